import { mkdirSync } from "node:fs";
import { join } from "node:path";
import SqliteDatabase from "better-sqlite3";
import { Kysely, PostgresDialect, SqliteDialect, type SqliteDatabase as SqliteDialectDatabase, type SqliteStatement } from "kysely";
import { dialectWithDriver } from "./dialect-with-driver.js";
import { registerDirectLane } from "./direct-lane.js";
import { FaultTranslatingDriver } from "./fault-translating-driver.js";
import { migrateToLatest } from "./migrate.js";
import { PostgresDirectLane } from "./postgres-direct-lane.js";
import { holdStatementsWithKnownAnswers } from "./postgres-held-statements.js";
import { PostgresStatementNames } from "./postgres-statement-names.js";
import type { Database } from "./schema.js";
import { registerChangeStamp, SqliteChangeStamp } from "./sqlite-change-stamp.js";
import { SqliteDirectLane } from "./sqlite-direct-lane.js";
import { SqliteGroupCommitDriver } from "./sqlite-group-commit-driver.js";
import { SqliteLockWaitingDriver } from "./sqlite-lock-waiting-driver.js";
import { postgresFaultKind, sqliteFaultKind } from "./store-fault-kinds.js";
import { startWalCheckpointer } from "./wal-checkpointer.js";
import { startWalFlusher } from "./wal-flusher.js";

export type StoreKind = "sqlite" | "postgres";

export interface OpenedDatabase {
  db: Kysely<Database>;
  kind: StoreKind;
}

/** The page size of a SQLite file this program creates. */
const PAGE_BYTES = 2048;

/** The default of BANKGATE_STORE_WAIT_MS (config-schema.ts). */
const DEFAULT_WAIT_MS = 5_000;

/**
 * DATABASE_URL=postgres://… selects PostgreSQL; otherwise the embedded SQLite file. `waitMs`
 * bounds how long a statement waits for a lock or a connection before it fails with a
 * StoreFaultError (errors/store-fault.ts), as do a full disk and an unreachable server.
 */
export async function openDatabase(options: {
  databaseUrl: string | null;
  dataDir: string;
  waitMs?: number;
  /** false: open without running migrations (`bankgate doctor` looks and changes nothing). */
  migrate?: boolean;
  /** PostgreSQL: run the store's frequent statements as named prepared statements (default true). */
  preparedStatements?: boolean;
}): Promise<OpenedDatabase> {
  const waitMs = options.waitMs ?? DEFAULT_WAIT_MS;
  const opened = options.databaseUrl
    ? { db: await openPostgres(options.databaseUrl, waitMs, options.preparedStatements ?? true), kind: "postgres" as const }
    : { db: openSqlite(options.dataDir, waitMs), kind: "sqlite" as const };
  if (options.migrate !== false) await migrateToLatest(opened.db);
  return opened;
}

function openSqlite(dataDir: string, waitMs: number): Kysely<Database> {
  mkdirSync(dataDir, { recursive: true });
  const file = join(dataDir, "bankgate.sqlite");
  const sqlite = new SqliteDatabase(file, { timeout: 0 });
  // Both can only be chosen before the first table exists; an older file keeps what it had.
  // Auto-vacuum lets retention hand deleted pages back to the file system (docs/decisions.md,
  // "Retention"). Pages of 2 KB, not 4: a commit logs every page it touched, whole, and a
  // login touches a row or two in each of many tables (docs/decisions.md, "SQLite pages of 2 KB").
  if (Number(sqlite.pragma("page_count", { simple: true })) === 0) {
    sqlite.pragma(`page_size = ${PAGE_BYTES}`);
    sqlite.pragma("auto_vacuum = INCREMENTAL");
  }
  // A big purge or vacuum must not leave a big write-ahead log behind after its checkpoint.
  sqlite.pragma(`journal_size_limit = ${64 * 1024 * 1024}`);
  // WAL + NORMAL: a commit survives a killed process (the WAL is in the OS cache). No busy
  // timeout: SQLite would wait for another process's lock on the event loop, freezing every
  // request; SqliteLockWaitingDriver waits on a timer instead.
  sqlite.pragma("journal_mode = WAL");
  sqlite.pragma("synchronous = NORMAL");
  sqlite.pragma("busy_timeout = 0");
  // Deleted rows are overwritten with zeros, not left in free space: after /DeleteCard no byte
  // of the card stays in the file (Storage.scrub empties the WAL too).
  sqlite.pragma("secure_delete = ON");
  const flusher = startWalFlusher(`${file}-wal`);
  // Checkpoints run on a worker thread, not inside this connection's COMMITs.
  const checkpointer = startWalCheckpointer(sqlite, file);
  const stopHelpers = () => {
    flusher.stop();
    checkpointer.stop();
  };
  let groupCommit: SqliteGroupCommitDriver | undefined;
  // A statement run now belongs to no transaction and to no group about to commit: SQLite has
  // none open, none is shared, no caller waits for the connection and no BEGIN is under way.
  const connectionFree = () => !sqlite.inTransaction && (groupCommit?.idle() ?? false);
  const changes = new SqliteChangeStamp({ sqlite, connectionFree });
  const statements = withStatementCache(sqlite, stopHelpers, () => changes.wrote());
  const dialect = dialectWithDriver(new SqliteDialect({ database: statements }), (driver) => {
    groupCommit = new SqliteGroupCommitDriver(new SqliteLockWaitingDriver(driver, sqlite, waitMs), sqlite);
    return new FaultTranslatingDriver(groupCommit, sqliteFaultKind);
  });
  const db = new Kysely<Database>({ dialect });
  registerDirectLane(
    db,
    new SqliteDirectLane({
      sqlite,
      prepare: (sql) => statements.prepare(sql),
      connectionFree,
      classify: sqliteFaultKind,
    }),
  );
  registerChangeStamp(db, changes);
  return db;
}

/**
 * Kysely prepares every query anew; preparing costs more than running the query on the hot
 * paths (measured: +50% /GetAccountsDetail throughput). Queries are built from a fixed set of
 * shapes, so one prepared statement per SQL text is kept for the life of the connection.
 * Every statement of the connection is prepared here, so `onWrite` hears of each one that may
 * change the database before it runs (SqliteChangeStamp).
 */
function withStatementCache(sqlite: SqliteDatabase.Database, onClose: () => void, onWrite: () => void): SqliteDialectDatabase {
  const statements = new Map<string, SqliteStatement>();
  return {
    prepare(sql) {
      if (sql.startsWith("PRAGMA incremental_vacuum")) return announcingRuns(runToTheEnd(sqlite, sql), onWrite);
      let statement = statements.get(sql);
      if (!statement) {
        const prepared = sqlite.prepare(sql);
        // `readonly`, not `reader`: an INSERT … RETURNING returns rows and writes.
        statement = prepared.readonly ? prepared : announcingRuns(prepared, onWrite);
        statements.set(sql, statement);
      }
      return statement;
    },
    close: () => {
      onClose();
      sqlite.close();
    },
  };
}

/** `statement`, calling `onRun` before each run of it, whichever way it is run. */
function announcingRuns(statement: SqliteStatement, onRun: () => void): SqliteStatement {
  return {
    reader: statement.reader,
    run: (parameters) => {
      onRun();
      return statement.run(parameters);
    },
    all: (parameters) => {
      onRun();
      return statement.all(parameters);
    },
    iterate: (parameters) => {
      onRun();
      return statement.iterate(parameters);
    },
  };
}

/**
 * better-sqlite3's run() steps a statement once, and `PRAGMA incremental_vacuum(N)` frees one
 * page per step: run through exec, which steps it to the end (N pages in one write).
 */
function runToTheEnd(sqlite: SqliteDatabase.Database, sql: string): SqliteStatement {
  const noRows = () => {
    throw new Error(`${sql} returns no rows`);
  };
  return {
    reader: false,
    run: () => {
      sqlite.exec(sql);
      return { changes: 0, lastInsertRowid: 0 };
    },
    all: noRows,
    iterate: noRows,
  };
}

const INT8_OID = 20;

async function openPostgres(connectionString: string, waitMs: number, preparedStatements: boolean): Promise<Kysely<Database>> {
  // Loaded only when PostgreSQL is used: an embedded (SQLite) start does not pay for it.
  const { default: pg } = await import("pg");
  const pool = new pg.Pool({
    connectionString,
    max: 10,
    // Bounded waits, like SQLite's: for a pool connection (0, the default, waits forever) and
    // for a row or table lock another session holds (lock_timeout, SQLSTATE 55P03).
    connectionTimeoutMillis: waitMs,
    lock_timeout: waitMs,
    // Statements written without waiting for the answer before them: a transaction's BEGIN
    // and its one-row inserts go out with the statement after them (postgres-held-statements.ts).
    pipeline: true,
    // Epoch-millisecond timestamps are bigint columns; they fit a JS number exactly.
    types: {
      getTypeParser: ((oid: number, format?: "text" | "binary") =>
        oid === INT8_OID ? Number : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
    },
  });
  // An idle connection killed by the server (restart, failover) must not crash the process:
  // the pool drops it and the next query opens a new one.
  pool.on("error", () => {});
  // The same for a connection killed while checked out (PostgreSQL shut down between two
  // queries): its client emits 'error', which ended the process when nobody listened. Its
  // query fails (a 503) and the pool drops the dead client when it comes back.
  pool.on("connect", (client) => client.on("error", () => {}));
  if (preparedStatements) {
    const names = new PostgresStatementNames();
    pool.on("connect", (client) => names.install(client));
  }
  // After the names: this wrapper must see Kysely's statements first.
  pool.on("connect", holdStatementsWithKnownAnswers);
  const dialect = dialectWithDriver(new PostgresDialect({ pool }), (driver) => new FaultTranslatingDriver(driver, postgresFaultKind));
  const db = new Kysely<Database>({ dialect });
  registerDirectLane(db, new PostgresDirectLane(pool, postgresFaultKind));
  return db;
}

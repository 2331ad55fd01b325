import Sqlite from "better-sqlite3";

export interface RanStatement {
  sql: string;
  /** Whether the statement's connection had a transaction open. */
  inTransaction: boolean;
}

/**
 * The statements whose SQL matches `pattern` that `work` makes SQLite run, on any
 * better-sqlite3 connection of this process: each run of a prepared statement is recorded.
 */
export async function sqliteStatements(pattern: RegExp, work: () => Promise<void>): Promise<RanStatement[]> {
  const probe = new Sqlite(":memory:");
  const prototype = Object.getPrototypeOf(probe.prepare("select 1"));
  probe.close();
  const originals = { all: prototype.all, get: prototype.get, run: prototype.run, iterate: prototype.iterate };
  const seen: RanStatement[] = [];
  for (const [method, original] of Object.entries(originals)) {
    prototype[method] = function traced(this: { source: string; database: Sqlite.Database }, ...args: unknown[]) {
      if (pattern.test(this.source)) seen.push({ sql: this.source, inTransaction: this.database.inTransaction });
      return original.apply(this, args);
    };
  }
  try {
    await work();
    return seen;
  } finally {
    Object.assign(prototype, originals);
  }
}

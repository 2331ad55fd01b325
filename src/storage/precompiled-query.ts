import type { Compilable, CompiledQuery, Kysely, QueryResult } from "kysely";
import { runDirectly } from "./direct-lane.js";
import type { Database } from "./schema.js";

/** Stands for the i-th argument while the query is built; never reaches the database. */
const SLOT = "\u0000bankgate-slot:";

/** A parameter of the compiled query: an argument's position, or a constant of the query itself. */
type ParameterSource = { readonly argument: number } | { readonly constant: unknown };

interface Template<Row> {
  compiled: CompiledQuery<Row>;
  sources: ParameterSource[];
}

/** Builds a query with `slot(i)` wherever argument i goes, on `db` (the store, or a transaction of it). */
export type SlottedBuild<Row> = (db: Kysely<Database>, slot: (i: number) => string) => Compilable<Row>;

/**
 * A query Kysely builds and compiles once per database, then runs with new argument values:
 * on the hot paths building and compiling cost more than SQLite running the statement
 * (profiles in docs/performance.md). Defined once per module and shared by every store
 * instance — a transaction's stores too, which are made anew for each transaction. The
 * compiled text goes through the same drivers as any query — their connection lock, lock
 * waiting, group commit and fault translation — or, on SQLite outside a transaction while
 * nothing holds the connection, the direct lane that gives the same result without them.
 *
 * Every other value in the built query is a constant. A slot must be a whole parameter (not
 * part of a string); a list whose length varies takes a PrecompiledPerCount, below.
 */
export class PrecompiledQuery<Row> {
  /**
   * By the database's adapter: SQLite and PostgreSQL compile the same query to different
   * text, and a transaction shares its database's adapter.
   */
  readonly #templates = new WeakMap<object, Template<Row>>();

  constructor(private readonly build: SlottedBuild<Row>) {}

  /** The rows the query returns for these arguments, run on `db`. */
  async rows(db: Kysely<Database>, args: readonly unknown[]): Promise<Row[]> {
    return (await this.#run(db, args)).rows;
  }

  /** The first row, or undefined. */
  async first(db: Kysely<Database>, args: readonly unknown[]): Promise<Row | undefined> {
    return (await this.rows(db, args))[0];
  }

  /** How many rows the statement (an update, a delete, an insert) changed. */
  async changes(db: Kysely<Database>, args: readonly unknown[]): Promise<number> {
    return Number((await this.#run(db, args)).numAffectedRows ?? 0n);
  }

  /** On the store's direct lane where it takes the statement (direct-lane.ts), else through the drivers. */
  async #run(db: Kysely<Database>, args: readonly unknown[]): Promise<QueryResult<Row>> {
    const query = this.#with(db, args);
    return runDirectly(db, query) ?? db.executeQuery(query);
  }

  #with(db: Kysely<Database>, args: readonly unknown[]): CompiledQuery<Row> {
    const adapter = db.getExecutor().adapter;
    let template = this.#templates.get(adapter);
    if (!template) {
      const compiled = this.build(db, (i) => `${SLOT}${i}`).compile();
      const sources = compiled.parameters.map((value): ParameterSource => {
        if (typeof value === "string" && value.startsWith(SLOT)) return { argument: Number(value.slice(SLOT.length)) };
        return { constant: value };
      });
      template = { compiled, sources };
      this.#templates.set(adapter, template);
    }
    const { compiled, sources } = template;
    // The template's queryId is reused: it only keys plugin state, and this database has no plugins.
    return { ...compiled, parameters: sources.map((source) => ("argument" in source ? args[source.argument] : source.constant)) };
  }
}

/**
 * `columns`, checked at compile time to name every column of Row but `Except`: a column added
 * to the table and not to a statement's list fails to compile instead of going unwritten.
 */
export function everyColumnBut<Row, Except extends keyof Row = never>() {
  return <const Columns extends readonly Exclude<keyof Row & string, Except>[]>(
    columns: Columns &
      (Exclude<keyof Row, Except | Columns[number]> extends never ? unknown : { missing: Exclude<keyof Row, Except | Columns[number]> }),
  ): Columns => columns;
}

/** The slotted values of one row: column i of `columns` is argument `offset + i`. */
export function slottedRow(columns: readonly string[], slot: (i: number) => string, offset = 0): Record<string, string> {
  return Object.fromEntries(columns.map((column, i) => [column, slot(offset + i)]));
}

/**
 * Compare-and-swap of a versioned row: writes `columns` (every column but the key and those
 * fixed at insert) where the key matches and the row still has the version its writer read,
 * with the version one higher. Of two writers that read the same version, one wins.
 */
export class PrecompiledSwap<Row extends { version: number }> {
  readonly #update: PrecompiledQuery<unknown>;

  constructor(
    table: keyof Database & string,
    private readonly key: keyof Row & string,
    private readonly columns: readonly (keyof Row & string)[],
  ) {
    this.#update = new PrecompiledQuery((db, slot) =>
      db
        .updateTable(table)
        .set(slottedRow(columns, slot) as never)
        .where(key as never, "=", slot(columns.length) as never)
        .where("version" as never, "=", slot(columns.length + 1) as never),
    );
  }

  /** Whether `row` replaced the version `expectedVersion` (its own `version` is ignored). */
  async replace(db: Kysely<Database>, row: Row, expectedVersion: number): Promise<boolean> {
    const next = { ...row, version: expectedVersion + 1 };
    const args = [...this.columns.map((column) => next[column]), next[this.key], expectedVersion];
    return (await this.#update.changes(db, args)) === 1;
  }
}

/**
 * Counts up to this keep their compiled text; a larger one (a group bigger than the bench's 50
 * connections make, a store-wide sweep) is compiled for each call, as Kysely would.
 */
const MAX_KEPT_COUNT = 64;

/**
 * A query with a part repeated a varying number of times (the ids of an `in (…)`, the rows of
 * a multi-row insert), compiled once per count: the hot callers pass a turn's claims,
 * completions or grouped inserts, a few dozen at most, so few texts.
 */
export class PrecompiledPerCount<Row> {
  readonly #byCount = new Map<number, PrecompiledQuery<Row>>();

  constructor(private readonly build: (db: Kysely<Database>, slot: (i: number) => string, count: number) => Compilable<Row>) {}

  /** The query for `count` items, to run with its arguments. */
  of(count: number): PrecompiledQuery<Row> {
    let query = this.#byCount.get(count);
    if (!query) {
      query = new PrecompiledQuery((db, slot) => this.build(db, slot, count));
      if (count <= MAX_KEPT_COUNT) this.#byCount.set(count, query);
    }
    return query;
  }
}

/** The slots of `count` arguments from `first` on: an `in (…)` list's. */
export function slotList(slot: (i: number) => string, first: number, count: number): string[] {
  return Array.from({ length: count }, (_, i) => slot(first + i));
}

/** Multi-row INSERTs into `table`. Every row of every call must have the same keys in the same order. */
export class PrecompiledInsert<Row extends object> {
  #insert: PrecompiledPerCount<unknown> | null = null;

  constructor(private readonly table: keyof Database & string) {}

  /** Inserts the rows, on `db` (the store, or a transaction of it). */
  async run(db: Kysely<Database>, rows: readonly Row[]): Promise<void> {
    if (rows.length === 0) return;
    if (!this.#insert) {
      const columns = Object.keys(rows[0] as Row);
      this.#insert = new PrecompiledPerCount((db, slot, count) => {
        const slotted = Array.from({ length: count }, (_, r) => slottedRow(columns, slot, r * columns.length));
        // biome-ignore lint/suspicious/noExplicitAny: the slotted rows stand for rows of `table`, whichever it is
        return db.insertInto(this.table).values(slotted as any);
      });
    }
    await this.#insert.of(rows.length).rows(
      db,
      rows.flatMap((row) => Object.values(row)),
    );
  }
}

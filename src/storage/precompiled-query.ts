import type { Compilable, CompiledQuery, Kysely } from "kysely";
import type { Database } from "./schema.js";

/** Stands for the i-th argument while the query is built; never reaches the database. */
const SLOT = "\u0000bankgate-slot:";

/** A parameter of the compiled query: an argument's position, or a constant of the query itself. */
type ParameterSource = { readonly argument: number } | { readonly constant: unknown };

/**
 * A query Kysely builds and compiles once, then runs with new argument values: on the hot
 * paths building and compiling cost more than SQLite running the statement (profiles in
 * docs/performance.md). The compiled text goes through the same driver as any query — its
 * connection lock, lock waiting and fault translation — so only the builder is skipped.
 *
 * `build(slot)` builds the query with `slot(i)` wherever argument i goes; every other value
 * in it is a constant. A slot must be a whole parameter (not part of a string, not in a
 * list whose length varies).
 */
export class PrecompiledQuery<Row> {
  #compiled: { template: CompiledQuery<Row>; sources: ParameterSource[] } | undefined;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly build: (slot: (i: number) => string) => Compilable<Row>,
  ) {}

  /** The rows the query returns for these arguments. */
  rows(...args: unknown[]): Promise<Row[]> {
    return this.rowsIn(this.db, args);
  }

  /** The rows the query returns for these arguments, run on `db` (a transaction). */
  async rowsIn(db: Kysely<Database>, args: unknown[]): Promise<Row[]> {
    const result = await db.executeQuery(this.#with(args));
    return result.rows;
  }

  /** How many rows the statement (an update, a delete) changed, run on `db` (a transaction) or the store's own. */
  async changes(args: unknown[], db: Kysely<Database> = this.db): Promise<number> {
    const result = await db.executeQuery(this.#with(args));
    return Number(result.numAffectedRows ?? 0n);
  }

  /** The first row, or undefined. */
  async first(...args: unknown[]): Promise<Row | undefined> {
    return (await this.rows(...args))[0];
  }

  #with(args: unknown[]): CompiledQuery<Row> {
    if (!this.#compiled) {
      const compiled = this.build((i) => `${SLOT}${i}`).compile();
      const sources = compiled.parameters.map((value): ParameterSource => {
        if (typeof value === "string" && value.startsWith(SLOT)) return { argument: Number(value.slice(SLOT.length)) };
        return { constant: value };
      });
      this.#compiled = { template: compiled, sources };
    }
    const { template, sources } = this.#compiled;
    // The template's queryId is reused: it only keys plugin state, and this database has no plugins.
    return { ...template, parameters: sources.map((source) => ("argument" in source ? args[source.argument] : source.constant)) };
  }
}

/**
 * Multi-row INSERTs into `table`, compiled once per row count (callers batch at most a few
 * dozen rows, so few texts). Every row must have the same keys in the same order.
 */
export class PrecompiledInsert<Row extends object> {
  readonly #byCount = new Map<number, PrecompiledQuery<unknown>>();

  constructor(
    private readonly db: Kysely<Database>,
    private readonly table: keyof Database & string,
  ) {}

  /** Inserts the rows, on `db` (a transaction) or the store's own. */
  async run(rows: readonly Row[], db: Kysely<Database> = this.db): Promise<void> {
    if (rows.length === 0) return;
    let insert = this.#byCount.get(rows.length);
    if (!insert) {
      const columns = Object.keys(rows[0] as Row);
      const slotted = (slot: (i: number) => string) =>
        rows.map((_, r) => Object.fromEntries(columns.map((column, c) => [column, slot(r * columns.length + c)])));
      // biome-ignore lint/suspicious/noExplicitAny: the slotted rows stand for rows of `table`, whichever it is
      insert = new PrecompiledQuery(this.db, (slot) => this.db.insertInto(this.table).values(slotted(slot) as any));
      this.#byCount.set(rows.length, insert);
    }
    await insert.rowsIn(
      db,
      rows.flatMap((row) => Object.values(row)),
    );
  }
}

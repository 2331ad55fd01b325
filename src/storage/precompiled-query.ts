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
  async rows(...args: unknown[]): Promise<Row[]> {
    const result = await this.db.executeQuery(this.#with(args));
    return result.rows;
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

import { createHash } from "node:crypto";
import type { ClientBase } from "pg";
import { TRANSACTION_END } from "./postgres-transaction-end.js";

/** Statement texts named per process at most: every pool connection that runs one keeps its plan. */
const MAX_NAMED = 256;
/** Texts whose runs are counted before the count starts over: a bound on the bookkeeping. */
const MAX_COUNTED = 4_096;

const TRANSACTION_START = /^\s*(begin|start transaction)\b/i;

/**
 * A named statement's server-side copy is no longer usable: the table it reads changed shape
 * since it was planned (another node migrated the store), or the connection does not hold it
 * as the client believes (a pooler in transaction mode swapped the server connection).
 */
export function isStalePreparedStatement(error: unknown): boolean {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  if (code === "26000" || code === "42P05") return true;
  return code === "0A000" && typeof message === "string" && message.startsWith("cached plan must not change result type");
}

/**
 * Which of the store's statements run as named prepared statements on PostgreSQL: parsed and
 * planned once per connection instead of at every run (a fifth to a third less of the
 * machine's CPU per nightly login; docs/decisions.md, "PostgreSQL statements are prepared once
 * per connection"). A text is named from its second run, so one-offs (migrations, an IN list of
 * an unusual length) never take one of the MAX_NAMED names. A named text that fails as stale
 * runs unnamed from then on in this process: outside a transaction the call is run again at
 * once, unnamed; inside one (which the failure aborted) it answers like a lock timeout
 * (store-fault-kinds.ts), and the caller's retry runs unnamed.
 */
export class PostgresStatementNames {
  readonly #runs = new Map<string, number>();
  readonly #named = new Map<string, string>();
  readonly #unnamed = new Set<string>();

  /** The name `text` runs under, if any; counts the run. */
  nameOf(text: string): string | undefined {
    const name = this.#named.get(text);
    if (name !== undefined || this.#unnamed.has(text) || this.#named.size >= MAX_NAMED) return name;
    const runs = (this.#runs.get(text) ?? 0) + 1;
    if (runs < 2) {
      if (this.#runs.size >= MAX_COUNTED) this.#runs.clear();
      this.#runs.set(text, runs);
      return undefined;
    }
    this.#runs.delete(text);
    const named = `bankgate_${createHash("sha256").update(text).digest("hex").slice(0, 32)}`;
    this.#named.set(text, named);
    return named;
  }

  /** The text's server-side statement went stale: it runs unnamed from now on. */
  unname(text: string): void {
    this.#named.delete(text);
    this.#unnamed.add(text);
  }

  /** Makes the client's parameterized queries (Kysely's) run under their names. */
  install(client: ClientBase): void {
    const query = client.query.bind(client) as (...args: unknown[]) => Promise<unknown>;
    // Kysely opens and ends its transactions with these statements on the same client.
    let inTransaction = false;
    const named = async (text: string, values: unknown[], name: string) => {
      try {
        return await query({ name, text, values });
      } catch (error) {
        if (!isStalePreparedStatement(error)) throw error;
        this.unname(text);
        if (inTransaction) throw error;
        return query(text, values);
      }
    };
    // Kysely calls query(text, values) and awaits the promise; other calls pass through.
    (client as { query: unknown }).query = (config: unknown, values?: unknown, ...rest: unknown[]) => {
      if (typeof config !== "string" || !Array.isArray(values) || rest.length > 0) return query(config, values, ...rest);
      if (values.length === 0) {
        if (TRANSACTION_START.test(config)) inTransaction = true;
        else if (TRANSACTION_END.test(config)) inTransaction = false;
        return query(config, values);
      }
      const name = this.nameOf(config);
      return name === undefined ? query(config, values) : named(config, values, name);
    };
  }
}

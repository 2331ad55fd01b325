import type { ClientBase } from "pg";

/** Kysely opens a transaction without settings with exactly this statement. */
const BEGIN = /^\s*begin\s*;?\s*$/i;
/** A statement that only reads: harmless even if the BEGIN sent before it failed and it ran on its own. */
const READ = /^\s*select\b/i;
/** What Kysely reads of a BEGIN's answer. */
const BEGIN_ANSWER = Object.freeze({ command: "BEGIN", rowCount: null, rows: [] });

/**
 * Saves a round trip per transaction on a client in pg's pipeline mode: Kysely's BEGIN is
 * answered at once and goes out with the transaction's first statement, which is written
 * right behind it without waiting for BEGIN's answer when it only reads (both of a nightly
 * login's transactions open with a locking read of the card). A first statement that writes still waits for
 * BEGIN's answer: should BEGIN ever fail while the connection lives on, that statement
 * would otherwise run — and commit — on its own. BEGIN's failure is the first statement's,
 * so Kysely rolls the transaction back as for any failed statement. On PostgreSQL every
 * statement is a round trip, the nightly login's ~24 and a live MFA step's ~13 of them
 * (docs/performance.md, "A transaction's BEGIN sent with its first read").
 */
export function pipelineTransactionStarts(client: ClientBase): void {
  const query = client.query.bind(client) as (...args: unknown[]) => Promise<unknown>;
  /** The BEGIN sent and not yet answered for, or null. */
  let begun: Promise<unknown> | null = null;
  (client as { query: unknown }).query = (config: unknown, values?: unknown, ...rest: unknown[]) => {
    if (begun === null) {
      if (typeof config !== "string" || !BEGIN.test(config) || (values !== undefined && !isEmptyList(values)) || rest.length > 0) {
        return query(config, values, ...rest);
      }
      begun = query(config, values);
      // Its failure is reported to the statement that follows; never an unhandled rejection.
      begun.catch(() => {});
      return Promise.resolve(BEGIN_ANSWER);
    }
    const pending = begun;
    begun = null;
    if (typeof config !== "string" || !READ.test(config)) return pending.then(() => query(config, values, ...rest));
    const answer = query(config, values, ...rest);
    return pending.then(
      () => answer,
      (error: unknown) => {
        answer.catch(() => {});
        throw error;
      },
    );
  };
}

function isEmptyList(values: unknown): boolean {
  return Array.isArray(values) && values.length === 0;
}

import type { ClientBase } from "pg";

/** Kysely opens a transaction without settings with exactly this statement. */
const BEGIN = /^\s*begin\s*;?\s*$/i;
/** A statement that only reads: harmless even if the BEGIN sent before it failed and it ran on its own. */
const READ = /^\s*select\b/i;
/** What Kysely reads of a BEGIN's answer. */
const BEGIN_ANSWER = Object.freeze({ command: "BEGIN", rowCount: null, rows: [] });

/** The socket under pg's client: held back, the writes queued meanwhile leave in one. */
interface Corkable {
  cork(): void;
  uncork(): void;
}

/**
 * Saves a round trip per transaction on a client in pg's pipeline mode: Kysely's BEGIN is
 * answered at once and held until the transaction's first statement, which, when it only
 * reads, is written right behind it without waiting for BEGIN's answer — both in one socket
 * write, so the server wakes once for the two (both of a nightly login's transactions open
 * with a locking read of the card). A first statement that writes still waits for BEGIN's
 * answer: should BEGIN ever fail while the connection lives on, that statement would
 * otherwise run — and commit — on its own. BEGIN's failure is the first statement's, so
 * Kysely rolls the transaction back as for any failed statement. On PostgreSQL every
 * statement is a round trip, the nightly login's ~23 and a live MFA step's ~13 of them
 * (docs/performance.md, "A transaction's BEGIN sent with its first read").
 */
export function pipelineTransactionStarts(client: ClientBase): void {
  const query = client.query.bind(client) as (...args: unknown[]) => Promise<unknown>;
  // Read when used: a TLS connection's socket replaces the plain one it started on.
  const { connection } = client as unknown as { connection: { stream: Corkable } };
  /** Kysely's BEGIN, answered and not sent yet, or null. */
  let held: string | null = null;
  (client as { query: unknown }).query = (config: unknown, values?: unknown, ...rest: unknown[]) => {
    if (held === null) {
      if (typeof config !== "string" || !BEGIN.test(config) || (values !== undefined && !isEmptyList(values)) || rest.length > 0) {
        return query(config, values, ...rest);
      }
      held = config;
      return Promise.resolve(BEGIN_ANSWER);
    }
    const begin = held;
    held = null;
    if (typeof config !== "string" || !READ.test(config)) return query(begin).then(() => query(config, values, ...rest));
    // pg writes a statement as it is queued: both go out when the socket is let go.
    const socket = connection.stream;
    socket.cork();
    let begun: Promise<unknown>;
    let answer: Promise<unknown>;
    try {
      begun = query(begin);
      answer = query(config, values, ...rest);
    } finally {
      socket.uncork();
    }
    return begun.then(
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

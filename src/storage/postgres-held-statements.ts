import type { ClientBase } from "pg";
import { TRANSACTION_END } from "./postgres-transaction-end.js";

/** Kysely opens a transaction without settings with exactly this statement. */
const BEGIN = /^\s*begin\s*;?\s*$/i;
/** Undoes what the held statements did: their failures no longer matter. */
const ROLLBACK = /^\s*rollback\b/i;
/** A statement that only reads: harmless even if the BEGIN sent before it failed and it ran on its own. */
const READ = /^\s*select\b/i;
/**
 * One row of values into a table, without ON CONFLICT or RETURNING, as Kysely writes it:
 * unless it fails, its answer is one row inserted and none returned (the lists have no
 * parentheses inside, so there is exactly one row).
 */
const ONE_ROW_INSERT = /^\s*insert\s+into\s+"[^"]+"\s*\([^()]*\)\s*values\s*\([^()]*\)\s*;?\s*$/i;

/** The socket under pg's client: held back, the writes queued meanwhile leave in one. */
interface Corkable {
  cork(): void;
  uncork(): void;
}

type Query = (...args: unknown[]) => Promise<unknown>;

/**
 * Saves round trips on a client in pg's pipeline mode by holding the statements whose answer
 * is known before it comes: Kysely's BEGIN, and inside a transaction an INSERT of one row.
 * Each is answered at once and sent with the next statement, all in one socket write, so the
 * server wakes once for them; a held statement's failure is reported as that next statement's,
 * so Kysely rolls the transaction back as for any failed statement, and a COMMIT never reports
 * success for a transaction whose held insert failed (PostgreSQL answers such a COMMIT with a
 * rollback, not an error). Inside a transaction a failed statement aborts it, so whatever was
 * sent behind a held insert cannot take effect either. Not so behind a BEGIN that failed: a
 * statement sent behind it would run, and commit, on its own — so only a read goes with a held
 * BEGIN, and anything else waits for BEGIN's answer. What this saves is the wait for each held
 * answer, not the statement's own work on either side (docs/decisions.md, "On PostgreSQL, a
 * statement whose answer is known before it comes goes out with the next one").
 */
export function holdStatementsWithKnownAnswers(client: ClientBase): void {
  const query = client.query.bind(client) as Query;
  // Read when used: a TLS connection's socket replaces the plain one it started on.
  const { connection } = client as unknown as { connection: { stream: Corkable } };
  /** Statements answered and not sent yet, in order: a BEGIN, or inserts of a transaction. */
  let held: unknown[][] = [];
  let beginHeld = false;
  /** Between a BEGIN and its transaction's COMMIT or ROLLBACK. */
  let inTransaction = false;

  /** Sends the held statements and `next` in one write; `next`'s answer, or the first held failure. */
  const sendHeld = (next: unknown[] | null): Promise<unknown> => {
    const sending = held;
    held = [];
    beginHeld = false;
    const socket = connection.stream;
    socket.cork();
    let heldAnswers: Promise<unknown>;
    let answer: Promise<unknown>;
    try {
      heldAnswers = Promise.all(sending.map((args) => query(...args)));
      answer = next === null ? heldAnswers : query(...next);
    } finally {
      socket.uncork();
    }
    if (next !== null && ROLLBACK.test(textOf(next))) {
      heldAnswers.catch(() => {});
      return answer;
    }
    return heldAnswers.then(
      () => answer,
      (error: unknown) => {
        answer.catch(() => {});
        throw error;
      },
    );
  };

  const holding: Query = (...args) => {
    const text = textOf(args);
    if (!inTransaction && BEGIN.test(text) && hasNoValues(args)) {
      inTransaction = true;
      beginHeld = true;
      held.push(args);
      return Promise.resolve({ command: "BEGIN", rowCount: null, rows: [] });
    }
    // Whatever comes after a held BEGIN and writes waits for BEGIN's answer, then is held or sent.
    if (beginHeld && !READ.test(text)) return sendHeld(null).then(() => holding(...args));
    if (inTransaction && ONE_ROW_INSERT.test(text)) {
      held.push(args);
      return Promise.resolve({ command: "INSERT", rowCount: 1, rows: [] });
    }
    if (TRANSACTION_END.test(text)) inTransaction = false;
    return held.length === 0 ? query(...args) : sendHeld(args);
  };
  (client as { query: unknown }).query = holding;
}

/** The SQL of a call as Kysely makes it, `(text)` or `(text, values)`; "" for any other call, which is never held. */
function textOf(args: unknown[]): string {
  return typeof args[0] === "string" && args.length <= 2 ? args[0] : "";
}

function hasNoValues(args: unknown[]): boolean {
  const values = args[1];
  return values === undefined || (Array.isArray(values) && values.length === 0);
}

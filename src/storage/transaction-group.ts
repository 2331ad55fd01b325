import { type Kysely, sql, type Transaction } from "kysely";
import type { Database } from "./schema.js";

interface Member<Tx, T> {
  work(tx: Tx): Promise<T>;
  resolve(value: T): void;
  reject(error: unknown): void;
}

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

/** Transactions that share one commit at most; a bound on how long the first of them waits for it. */
const MAX_MEMBERS = 32;

/**
 * Group commit for whole transactions, for SQLite: its one connection runs one transaction
 * at a time anyway, and each commit writes every page it dirtied to the write-ahead log, the
 * shared ones (index and table pages at the end of the jobs, sessions and snapshots tables)
 * again and again. Transactions asked for while one runs wait (as they did for the connection)
 * and then run one after another inside one store transaction, each in its own savepoint, and
 * commit together.
 *
 * Each member is still atomic and isolated: it runs alone, sees what the members before it
 * wrote (as it would have after their commits), and a member that throws is rolled back to its
 * savepoint alone and gets its own error. Each caller hears back only after the commit that
 * holds its writes; if that commit (or the group's transaction) fails, every member of the
 * group gets the failure, none was told it succeeded. A lone transaction runs exactly as before:
 * no savepoint, no waiting.
 */
export class TransactionGroup<Tx> {
  #waiting: Member<Tx, unknown>[] = [];
  #running = false;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly storageOf: (trx: Transaction<Database>) => Tx,
  ) {}

  run<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.#waiting.push({ work, resolve, reject } as Member<Tx, unknown>);
      if (!this.#running) void this.#drain();
    });
  }

  async #drain(): Promise<void> {
    this.#running = true;
    try {
      while (this.#waiting.length > 0) await this.#runGroup(this.#waiting.splice(0, MAX_MEMBERS));
    } finally {
      this.#running = false;
    }
  }

  async #runGroup(group: Member<Tx, unknown>[]): Promise<void> {
    const outcomes: Outcome[] = [];
    try {
      await this.db.transaction().execute(async (trx) => {
        const tx = this.storageOf(trx);
        const [only] = group;
        if (group.length === 1 && only) {
          outcomes.push({ ok: true, value: await only.work(tx) });
          return;
        }
        for (const member of group) outcomes.push(await runInSavepoint(trx, tx, member));
      });
    } catch (error) {
      // Nothing of the group was stored: a member that failed on its own keeps its own error.
      for (const [i, member] of group.entries()) {
        const outcome = outcomes[i];
        member.reject(outcome && !outcome.ok ? outcome.error : error);
      }
      return;
    }
    for (const [i, member] of group.entries()) {
      const outcome = outcomes[i] as Outcome;
      if (outcome.ok) member.resolve(outcome.value);
      else member.reject(outcome.error);
    }
  }
}

async function runInSavepoint<Tx>(trx: Transaction<Database>, tx: Tx, member: Member<Tx, unknown>): Promise<Outcome> {
  await sql`savepoint group_member`.execute(trx);
  let outcome: Outcome;
  try {
    outcome = { ok: true, value: await member.work(tx) };
  } catch (error) {
    // Rolled back alone. Should SQLite have ended the whole transaction (a full disk), the
    // rollback fails and the group fails as one, with this member's error.
    await sql`rollback to group_member`.execute(trx).catch(() => {
      throw error;
    });
    outcome = { ok: false, error };
  }
  await sql`release group_member`.execute(trx);
  return outcome;
}

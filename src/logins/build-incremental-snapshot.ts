import type { AggregatedData, DataIncrement } from "../connectors/types.js";
import { deriveId } from "../lib/ids.js";
import type { Snapshot } from "../records/snapshot.js";
import { identified } from "./build-snapshot.js";

/**
 * The snapshot an incremental fetch stands for: each account's fields and new transactions
 * from the fetch (their ids derived as buildSnapshot derives them), followed by the previous
 * snapshot's transactions of the days the increment keeps, ids and all. Exactly what
 * buildSnapshot would give for the same fetch made whole, without a keyed hash per kept
 * transaction. Null when the fetch names an account the previous snapshot lacks: then there
 * is nothing to keep for it, and the caller fetches whole.
 */
export function buildIncrementalSnapshot(
  previous: Snapshot,
  data: AggregatedData,
  increment: DataIncrement,
  loginId: string,
  indexKey: Buffer,
): Snapshot | null {
  const previousAccounts = new Map(previous.accounts.map((account) => [account.id, account]));
  const accounts: Snapshot["accounts"] = [];
  for (const account of data.accounts) {
    const accountId = deriveId(indexKey, "account", loginId, account.key);
    const before = previousAccounts.get(accountId);
    if (!before) return null;
    const fresh = account.transactions.map((t) => identified(t, deriveId(indexKey, "transaction", accountId, t.key)));
    const kept = before.transactions.filter((t) => t.date >= increment.keepFrom && t.date < increment.since);
    accounts.push({ ...account, id: accountId, transactions: fresh.concat(kept) });
  }
  return { loginType: data.loginType, holder: data.holder, accounts };
}

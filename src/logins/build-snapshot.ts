import type { AggregatedData, BankTransaction } from "../connectors/types.js";
import { deriveId } from "../lib/ids.js";
import type { Snapshot, SnapshotTransaction } from "../records/snapshot.js";

/**
 * Gives each account and transaction its stable public id: a keyed hash of the LoginId and
 * the institution's own key, so a refresh or a reconnect never duplicates or renames them.
 */
export function buildSnapshot(data: AggregatedData, loginId: string, indexKey: Buffer): Snapshot {
  return {
    loginType: data.loginType,
    holder: data.holder,
    accounts: data.accounts.map((account) => {
      const accountId = deriveId(indexKey, "account", loginId, account.key);
      return {
        ...account,
        id: accountId,
        transactions: account.transactions.map((t) => identified(t, deriveId(indexKey, "transaction", accountId, t.key))),
      };
    }),
  };
}

/**
 * The transaction with its public id, written out field by field: Node 20's V8 adds a key to a
 * spread object on a slow path, microseconds a transaction (docs/performance.md).
 */
export function identified(t: BankTransaction, id: string): SnapshotTransaction {
  return { key: t.key, date: t.date, description: t.description, debit: t.debit, credit: t.credit, balance: t.balance, id };
}

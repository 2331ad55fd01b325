import type { AggregatedData } from "../connectors/types.js";
import { deriveId } from "../lib/ids.js";
import type { Snapshot } from "../records/snapshot.js";

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
        transactions: account.transactions.map((t) => ({ ...t, id: deriveId(indexKey, "transaction", accountId, t.key) })),
      };
    }),
  };
}

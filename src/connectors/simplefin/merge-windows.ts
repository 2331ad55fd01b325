import type { ParsedAccount, ParsedTransaction } from "./parse-account-set.js";

/**
 * One account as the windows saw it together: its newest balances (from the newest window
 * that lists it) and each transaction once. Windows overlap, and a transaction that was
 * pending in one answer may have posted in another: a posted copy wins over a pending one,
 * otherwise the newest window's copy.
 */
export function mergeWindows(newestFirst: ReadonlyArray<readonly ParsedAccount[]>): ParsedAccount[] {
  const byKey = new Map<string, { account: ParsedAccount; transactions: Map<string, ParsedTransaction> }>();
  for (const accounts of newestFirst) {
    for (const account of accounts) {
      let merged = byKey.get(account.key);
      if (!merged) {
        merged = { account, transactions: new Map() };
        byKey.set(account.key, merged);
      }
      for (const transaction of account.transactions) {
        const seen = merged.transactions.get(transaction.id);
        if (!seen || (seen.pending && !transaction.pending)) merged.transactions.set(transaction.id, transaction);
      }
    }
  }
  return [...byKey.values()].map(({ account, transactions }) => ({ ...account, transactions: [...transactions.values()] }));
}

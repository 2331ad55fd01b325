import type { AggregatedData, BankAccount, BankTransaction } from "../connectors/types.js";

export interface SnapshotTransaction extends BankTransaction {
  /** TransactionId: a keyed hash of the LoginId, account and the institution's key. */
  id: string;
}

export interface SnapshotAccount extends Omit<BankAccount, "transactions"> {
  /** AccountId: a keyed hash of the LoginId and the institution's account key. */
  id: string;
  transactions: SnapshotTransaction[];
}

/** One immutable aggregation of a card: written whole, then only ever read. */
export interface Snapshot extends Omit<AggregatedData, "accounts"> {
  accounts: SnapshotAccount[];
}

import type { Snapshot, SnapshotAccount, SnapshotTransaction } from "../records/snapshot.js";

/**
 * A snapshot stored as the difference from an earlier full snapshot of the same card (its
 * base): a nightly refresh changes a day of transactions and the balances, not the ~300–550
 * transactions before them, so it writes those few instead of the whole card again.
 *
 * Per account, the new transaction list (newest first) is a head of transactions the base does
 * not have, followed by a run of the base account's own list, unchanged and in order. The
 * account's other fields, the holder and the login type are stored whole. An account that does
 * not fit this shape (a transaction changed in the middle, a new account) is stored whole too,
 * so decoding always gives back exactly the snapshot that was encoded.
 */
export interface SnapshotDelta {
  loginType: Snapshot["loginType"];
  holder: Snapshot["holder"];
  accounts: DeltaAccount[];
}

/**
 * The account's fields with `transactions: null` (which keeps the field's place, so a decoded
 * account lists its fields in the original order), and how to rebuild the transactions.
 */
type DeltaAccount = Omit<SnapshotAccount, "transactions"> & {
  transactions: null;
  $rebuild: BaseRun | { all: SnapshotTransaction[] };
};

/**
 * New transactions, then `count` of the base account's from `from` — of those, with `keep`,
 * only the ones dated in [keep.from, keep.until) (ISO days): a night that keeps the card's
 * older days as they were says so with a range instead of reading the base to count them.
 */
interface BaseRun {
  head: SnapshotTransaction[];
  baseAccount: number;
  from: number;
  count: number;
  keep?: DayRange;
}

export interface DayRange {
  from: string;
  until: string;
}

/** What a delta against a full snapshot needs to know of it without reading it: its size and its accounts. */
export interface SnapshotOutline {
  bytes: number;
  accounts: Array<{ id: string; transactions: number }>;
}

export function outlineOf(snapshot: Snapshot, bytes: number): SnapshotOutline {
  return { bytes, accounts: snapshot.accounts.map((account) => ({ id: account.id, transactions: account.transactions.length })) };
}

function inDayRange(range: DayRange) {
  return (transaction: SnapshotTransaction) => transaction.date >= range.from && transaction.date < range.until;
}

/**
 * What an incremental fetch stands for: the snapshot of its accounts with only their new
 * transactions (ids derived as for any snapshot), and the days of the card's current snapshot
 * it keeps after them.
 */
export interface SnapshotIncrement {
  fresh: Snapshot;
  keep: DayRange;
}

/**
 * The delta, against the card's base, of the snapshot an increment stands for: each account's
 * fields and new transactions, then the current snapshot's transactions of the kept days, ids
 * and all. Decoded, exactly what a whole fetch gives — built from the current delta (a few
 * KB; null when the current snapshot is the base) and the base's outline, never from the base
 * itself (~95 KB to read and parse per card and night). Every account of the increment must
 * be in the current snapshot (the caller checks: it fetches whole otherwise).
 */
export function extendSnapshotDelta(
  current: { delta: SnapshotDelta | null; outline: SnapshotOutline },
  increment: SnapshotIncrement,
): SnapshotDelta {
  const { fresh, keep } = increment;
  const currentAccounts = new Map(current.delta?.accounts.map((account) => [account.id, account]));
  return {
    loginType: fresh.loginType,
    holder: fresh.holder,
    accounts: fresh.accounts.map((account) => {
      const rebuild = current.delta
        ? keptFromDelta(currentAccounts.get(account.id), account.transactions, keep)
        : keptFromBase(current.outline, account.id, account.transactions, keep);
      // Spread, then overwritten: `transactions` keeps its place among the fields.
      return { ...account, transactions: null, $rebuild: rebuild };
    }),
  };
}

/** The current snapshot is the base: the new transactions, then the base account's days kept. */
function keptFromBase(outline: SnapshotOutline, accountId: string, fresh: SnapshotTransaction[], keep: DayRange): BaseRun {
  const baseAccount = outline.accounts.findIndex((account) => account.id === accountId);
  const counted = outline.accounts[baseAccount];
  if (!counted) throw new Error(`account ${accountId} is not in the snapshot the increment extends`);
  return { head: fresh, baseAccount, from: 0, count: counted.transactions, keep };
}

/** The current snapshot is a delta: its account's transactions narrowed to the kept days, after the new ones. */
function keptFromDelta(account: DeltaAccount | undefined, fresh: SnapshotTransaction[], keep: DayRange): DeltaAccount["$rebuild"] {
  if (!account) throw new Error("an account of the increment is not in the snapshot it extends");
  const rebuild = account.$rebuild;
  const kept = inDayRange(keep);
  if ("all" in rebuild) return { all: fresh.concat(rebuild.all.filter(kept)) };
  return { ...rebuild, head: fresh.concat(rebuild.head.filter(kept)), keep: rebuild.keep ? narrowed(rebuild.keep, keep) : keep };
}

/** Days in both ranges. */
function narrowed(a: DayRange, b: DayRange): DayRange {
  // biome-ignore lint/complexity/useMathMinMax: ISO days are strings; Math.max would give NaN
  return { from: a.from > b.from ? a.from : b.from, until: a.until < b.until ? a.until : b.until };
}

/** The delta of `next` against `base`: what decodeSnapshotDelta(base, …) turns back into `next`. */
export function encodeSnapshotDelta(base: Snapshot, next: Snapshot): SnapshotDelta {
  const baseAccountIndex = new Map(base.accounts.map((account, index) => [account.id, index]));
  return {
    loginType: next.loginType,
    holder: next.holder,
    accounts: next.accounts.map((account) => {
      const { transactions } = account;
      const index = baseAccountIndex.get(account.id);
      const baseAccount = index === undefined ? undefined : base.accounts[index];
      const rebuild = (index !== undefined && baseAccount && sharedTail(transactions, baseAccount.transactions, index)) || {
        all: transactions,
      };
      // Spread, then overwritten: `transactions` keeps its place among the fields.
      return { ...account, transactions: null, $rebuild: rebuild };
    }),
  };
}

export function decodeSnapshotDelta(base: Snapshot, delta: SnapshotDelta): Snapshot {
  return {
    loginType: delta.loginType,
    holder: delta.holder,
    accounts: delta.accounts.map(({ $rebuild, ...fields }) => {
      if ("all" in $rebuild) return { ...fields, transactions: $rebuild.all };
      const baseTransactions = base.accounts[$rebuild.baseAccount]?.transactions;
      if (!baseTransactions || $rebuild.from + $rebuild.count > baseTransactions.length)
        throw new Error("snapshot delta does not fit its base");
      const run = baseTransactions.slice($rebuild.from, $rebuild.from + $rebuild.count);
      return { ...fields, transactions: $rebuild.head.concat($rebuild.keep ? run.filter(inDayRange($rebuild.keep)) : run) };
    }),
  };
}

/**
 * `next` as new transactions followed by an unchanged run of `base`, or null when it is not
 * (then the account is stored whole).
 */
function sharedTail(next: readonly SnapshotTransaction[], base: readonly SnapshotTransaction[], baseAccount: number) {
  const baseIndex = new Map(base.map((transaction, index) => [transaction.id, index]));
  const headLength = next.findIndex((transaction) => baseIndex.has(transaction.id));
  if (headLength < 0) return null;
  return tailFrom(next, base, baseIndex, headLength, baseAccount);
}

function tailFrom(
  next: readonly SnapshotTransaction[],
  base: readonly SnapshotTransaction[],
  baseIndex: Map<string, number>,
  headLength: number,
  baseAccount: number,
) {
  const from = baseIndex.get(next[headLength]?.id ?? "") ?? -1;
  const count = next.length - headLength;
  if (from < 0 || from + count > base.length) return null;
  for (let offset = 0; offset < count; offset++) {
    if (!sameTransaction(next[headLength + offset], base[from + offset])) return null;
  }
  return { head: next.slice(0, headLength), baseAccount, from, count };
}

/** The same fields in the same order with equal values (transactions hold only strings, numbers and nulls). */
function sameTransaction(a: SnapshotTransaction | undefined, b: SnapshotTransaction | undefined): boolean {
  // An incremental refresh carries the base's own transaction objects over: nothing to compare.
  if (a === b) return a !== undefined;
  if (!a || !b) return false;
  const keys = Object.keys(a);
  const otherKeys = Object.keys(b);
  if (keys.length !== otherKeys.length) return false;
  for (let index = 0; index < keys.length; index++) {
    const key = keys[index] as keyof SnapshotTransaction;
    if (key !== otherKeys[index] || a[key] !== b[key]) return false;
  }
  return true;
}

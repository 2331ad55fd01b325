import type { AggregatedData, DataIncrement } from "../connectors/types.js";
import { deriveId } from "../lib/ids.js";
import type { SnapshotTransaction } from "../records/snapshot.js";
import { type DayRange, type DeltaAccount, inDayRange, type SnapshotDelta, type SnapshotOutline } from "../storage/snapshot-delta.js";
import { identified } from "./build-snapshot.js";

/** The card's current snapshot as a delta of its base (null: it is the base), and the base's outline (RefreshBasis). */
export interface DeltaBasis {
  delta: SnapshotDelta | null;
  base: { outline: SnapshotOutline };
}

/**
 * The snapshot an incremental fetch stands for, as a delta of the card's base: each account's
 * fields and new transactions from the fetch (ids derived as buildSnapshot derives them),
 * followed by the current snapshot's transactions of the days the increment keeps, ids and all.
 * Decoded, exactly what buildSnapshot gives for the same fetch made whole — built from the
 * current delta (a few KB) and the base's outline, never from the base itself (~95 KB to read
 * and parse per card and night). Null when the fetch names an account the current snapshot
 * lacks: there is nothing to keep for it, and the caller fetches whole.
 */
export function extendSnapshotDelta(
  basis: DeltaBasis,
  data: AggregatedData,
  increment: DataIncrement,
  loginId: string,
  indexKey: Buffer,
): SnapshotDelta | null {
  const keep = { from: increment.keepFrom, until: increment.since };
  const current = new Map(basis.delta?.accounts.map((account) => [account.id, account]));
  const accounts: DeltaAccount[] = [];
  for (const account of data.accounts) {
    const accountId = deriveId(indexKey, "account", loginId, account.key);
    const fresh = account.transactions.map((t) => identified(t, deriveId(indexKey, "transaction", accountId, t.key)));
    const rebuild = basis.delta
      ? keptFromDelta(current.get(accountId), fresh, keep)
      : keptFromBase(basis.base.outline, accountId, fresh, keep);
    if (!rebuild) return null;
    // Spread, then overwritten: `transactions` keeps its place among the fields.
    accounts.push({ ...account, id: accountId, transactions: null, $rebuild: rebuild });
  }
  return { loginType: data.loginType, holder: data.holder, accounts };
}

/** The current snapshot is the base: the new transactions, then the base account's days kept. */
function keptFromBase(outline: SnapshotOutline, accountId: string, fresh: SnapshotTransaction[], keep: DayRange) {
  const baseAccount = outline.accounts.findIndex((account) => account.id === accountId);
  if (baseAccount < 0) return null;
  return { head: fresh, baseAccount, from: 0, count: outline.accounts[baseAccount]?.transactions ?? 0, keep };
}

/** The current snapshot is a delta: its account's transactions narrowed to the kept days, after the new ones. */
function keptFromDelta(account: DeltaAccount | undefined, fresh: SnapshotTransaction[], keep: DayRange): DeltaAccount["$rebuild"] | null {
  if (!account) return null;
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

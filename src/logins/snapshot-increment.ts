import type { AggregatedData, DataIncrement } from "../connectors/types.js";
import type { SnapshotIncrement } from "../storage/snapshot-delta.js";
import type { RefreshBasis } from "../storage/snapshot-store.js";
import { buildSnapshot } from "./build-snapshot.js";

/**
 * What an incremental fetch stands for: its accounts with their new transactions, ids derived
 * as buildSnapshot derives them, and the days of the card's current snapshot to keep after
 * them — stored as a delta of the card's base without reading the base
 * (SnapshotStore.insertIncrement). Null when the fetch names an account the current
 * snapshot lacks: there is nothing to keep for it, and the caller fetches whole.
 */
export function snapshotIncrement(
  basis: RefreshBasis,
  data: AggregatedData,
  increment: DataIncrement,
  loginId: string,
  indexKey: Buffer,
): SnapshotIncrement | null {
  const fresh = buildSnapshot(data, loginId, indexKey);
  const known = new Set((basis.delta?.accounts ?? basis.base.outline.accounts).map((account) => account.id));
  if (!fresh.accounts.every((account) => known.has(account.id))) return null;
  return { fresh, keep: { from: increment.keepFrom, until: increment.since } };
}

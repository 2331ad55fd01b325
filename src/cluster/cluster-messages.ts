import type { VirtualClockSetting } from "../lib/virtual-clock.js";

/** A change to virtual time that a worker asks the primary to make on every worker. */
export type ClockChange = { kind: "advance"; seconds: number } | { kind: "freeze" } | { kind: "unfreeze" };

/** Worker → primary: a question the primary answers with a `reply` of the same id. */
export type WorkerRequest =
  | { bankgate: "clock-read"; id: number }
  | { bankgate: "clock-change"; id: number; change: ClockChange }
  | { bankgate: "metrics"; id: number };

/** Worker → primary, unasked: its clock now shows setting `round`; or it is serving (listening, running jobs). */
export type WorkerNotice = { bankgate: "clock-adopted"; round: number } | { bankgate: "ready" };

/** Primary → worker. */
export type PrimaryMessage =
  | { bankgate: "clock-setting"; round: number; setting: VirtualClockSetting }
  | { bankgate: "reply"; id: number; setting?: VirtualClockSetting; text?: string; error?: string };

/** Messages of other senders (Node's cluster internals, prom-client's aggregation) pass through untouched. */
export function isBankgateMessage<T extends { bankgate: string }>(message: unknown): message is T {
  return typeof message === "object" && message !== null && typeof (message as { bankgate?: unknown }).bankgate === "string";
}

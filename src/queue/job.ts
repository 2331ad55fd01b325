import type { HandOffOf, JobKind, JobPayloads } from "./job-kinds.js";

/** A unit of background work: aggregation, an authorize step, a webhook delivery… */
export interface Job<K extends JobKind = JobKind> {
  id: string;
  kind: K;
  /** The payload (JSON), opened if its kind seals it. */
  payload: JobPayloads[K];
  singletonKey: string | null;
  state: "queued" | "running" | "done" | "failed";
  /** Claims so far, the current one included: a claim is the compare-and-swap token. */
  attempts: number;
  maxAttempts: number;
  runAt: Date;
  lastError: string | null;
  /** Set on a job this process enqueued for its own runner: what the enqueuer had in hand (in memory only). */
  handedOff?: HandOffOf<K>;
}

export interface EnqueueOptions {
  runAt?: Date;
  /** While a queued or running job holds this key, another enqueue with it is skipped. */
  singletonKey?: string;
  maxAttempts?: number;
}

/**
 * Test-only crash points (quality bar R2, docs/quality-bars.md). The kill-restart harness
 * (test/process/kill-restart.test.ts) starts the real server with BANKGATE_FAULT_POINT
 * naming one of these, and the process kills itself with SIGKILL the moment the flow reaches
 * it: a kill -9 at an exact step, without timing guesses. Unset (always, in production) a
 * hit does nothing.
 */
export const FAULT_POINTS = [
  /** #runStep of a login (start): right before and right after the institution call. */
  "authorize-start:before-connector",
  "authorize-start:after-connector",
  /** #runStep of an MFA answer: right before and right after the institution call. */
  "authorize-answer:before-connector",
  "authorize-answer:after-connector",
  /** commitAuthorization: every write done but not committed, and just committed. */
  "commit-authorization:before-commit",
  "commit-authorization:after-commit",
  /** The aggregation job: the snapshot written but not committed, and just committed. */
  "aggregation:before-commit",
  "aggregation:after-commit",
  /** A webhook delivery: the receiver has answered, the attempt is not recorded yet. */
  "webhook-delivery:after-post",
] as const;

export type FaultPoint = (typeof FAULT_POINTS)[number];

export interface FaultPoints {
  /** Kills this process (SIGKILL, no cleanup) when `name` is the configured point. */
  hit(name: FaultPoint): void;
}

export function isFaultPoint(name: string): name is FaultPoint {
  return (FAULT_POINTS as readonly string[]).includes(name);
}

/** `kill` is for unit tests; the default is a real kill -9 of this very process. */
export function createFaultPoints(faultPoint: string | null, kill: () => void = () => process.kill(process.pid, "SIGKILL")): FaultPoints {
  const armed = faultPoint !== null && isFaultPoint(faultPoint) ? faultPoint : null;
  return {
    hit(name) {
      if (armed !== null && name === armed) kill();
    },
  };
}

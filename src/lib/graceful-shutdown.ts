import type { Clock } from "./clock.js";

export interface ShutdownPlan {
  /** How long work in flight may take to finish once the stop is asked for. */
  graceSeconds: number;
  /** Real time: a shutdown deadline is never virtual. */
  clock: Clock;
  /** Stops taking work and resolves once the work in flight has finished and everything is closed. */
  drain(): Promise<void>;
  /**
   * The grace ran out: leave what is still in flight the way a crash would (a bank call is
   * abandoned; its session recovers to its challenge), but tell the store at once so nobody
   * waits for a lapse. Bounded by `abandonSeconds`.
   */
  abandon(): Promise<unknown>;
  abandonSeconds?: number;
  log: { info(obj: object, msg: string): void; warn(obj: object, msg: string): void; error(obj: object, msg: string): void };
}

export type ShutdownOutcome = "drained" | "abandoned" | "failed";

/**
 * A stop with a deadline: drain, or after `graceSeconds` abandon what is left. Resolves with
 * what happened; the caller exits (0 unless draining failed: the grace running out is the
 * plan working, not an error — an orchestrator's SIGKILL would come next anyway).
 */
export async function shutDownWithin(plan: ShutdownPlan): Promise<ShutdownOutcome> {
  const deadline = new Date(plan.clock.now().getTime() + plan.graceSeconds * 1000);
  const graceOver = plan.clock.sleepUntil(deadline).then(() => "grace-over" as const);
  const drained = plan.drain().then(
    () => "drained" as const,
    (error: unknown) => {
      plan.log.error({ err: error }, "shutdown: closing failed");
      return "failed" as const;
    },
  );
  const first = await Promise.race([drained, graceOver]);
  if (first !== "grace-over") return first;
  plan.log.warn({ graceSeconds: plan.graceSeconds }, "shutdown grace elapsed: abandoning the work still in flight");
  const bound = new Date(plan.clock.now().getTime() + (plan.abandonSeconds ?? 2) * 1000);
  const abandoned = plan.abandon().then(
    () => "abandoned" as const,
    (error: unknown) => {
      plan.log.error({ err: error }, "shutdown: releasing this process's leases failed; they lapse by themselves");
      return "abandoned" as const;
    },
  );
  return Promise.race([abandoned, plan.clock.sleepUntil(bound).then(() => "abandoned" as const)]);
}

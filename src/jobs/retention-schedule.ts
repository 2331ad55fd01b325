import type { FastifyBaseLogger } from "fastify";
import type { Clock } from "../lib/clock.js";
import { ClockLoop } from "../lib/clock-loop.js";
import { singletonKeys } from "../queue/job-kinds.js";
import type { JobQueue } from "../queue/job-queue.js";

export interface RetentionScheduleDeps {
  jobs: JobQueue;
  clock: Clock;
  intervalSeconds: number;
  log: Pick<FastifyBaseLogger, "warn" | "error">;
}

/**
 * Enqueues the retention purge every `intervalSeconds` (on the injected clock). Every
 * process with a job runner may run it: the singleton key keeps one purge queued or
 * running at a time, and any runner takes it.
 */
export class RetentionSchedule {
  readonly #loop: ClockLoop;

  constructor(private readonly deps: RetentionScheduleDeps) {
    this.#loop = new ClockLoop({
      clock: deps.clock,
      nextDue: (now) => new Date(now.getTime() + deps.intervalSeconds * 1000),
      run: async () => {
        await this.enqueueNow();
      },
      // The next interval tries again; nothing is lost by a skipped purge.
      onError: (error) => deps.log.error({ err: error }, "enqueuing the retention purge failed"),
    });
  }

  start(): void {
    this.#loop.start();
  }

  stop(): Promise<void> {
    return this.#loop.stop();
  }

  /** Queues a purge now (unless one is queued or running); returns its job id or null. */
  enqueueNow(): Promise<string | null> {
    return this.deps.jobs.enqueue("retention-purge", {}, { singletonKey: singletonKeys.retentionPurge(), maxAttempts: 1 });
  }
}

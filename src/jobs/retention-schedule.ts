import type { FastifyBaseLogger } from "fastify";
import type { Clock } from "../lib/clock.js";
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
  #stop: (() => void) | null = null;
  #loop: Promise<void> | null = null;

  constructor(private readonly deps: RetentionScheduleDeps) {}

  start(): void {
    if (this.#loop) return;
    const stopped = new Promise<"stopped">((resolve) => {
      this.#stop = () => resolve("stopped");
    });
    this.#loop = this.#run(stopped);
  }

  async stop(): Promise<void> {
    this.#stop?.();
    await this.#loop;
    this.#loop = null;
  }

  /** Queues a purge now (unless one is queued or running); returns its job id or null. */
  enqueueNow(): Promise<string | null> {
    return this.deps.jobs.enqueue("retention-purge", {}, { singletonKey: singletonKeys.retentionPurge(), maxAttempts: 1 });
  }

  async #run(stopped: Promise<"stopped">): Promise<void> {
    for (;;) {
      const due = new Date(this.deps.clock.now().getTime() + this.deps.intervalSeconds * 1000);
      const woke = await Promise.race([this.deps.clock.sleepUntil(due).then(() => "due" as const), stopped]);
      if (woke === "stopped") return;
      try {
        await this.enqueueNow();
      } catch (error) {
        // The next interval tries again; nothing is lost by a skipped purge.
        this.deps.log.error({ err: error }, "enqueuing the retention purge failed");
      }
    }
  }
}

import { EventEmitter } from "node:events";
import type { FastifyBaseLogger } from "fastify";
import type { Clock } from "../lib/clock.js";
import { nextRunAfter, nightOf, type TimeOfDay } from "../lib/nightly-schedule.js";
import { type NightlyRefreshPayload, singletonKeys } from "../queue/job-kinds.js";
import type { JobQueue } from "../queue/job-queue.js";
import type { Storage } from "../storage/storage.js";
import { isEligibleForNightly } from "./eligibility.js";

/** Cards read and enqueued per transaction. */
const PAGE_SIZE = 500;

export interface NightlyCronDeps {
  storage: Storage;
  jobs: JobQueue;
  clock: Clock;
  runAt: TimeOfDay;
  log: Pick<FastifyBaseLogger, "warn" | "error">;
}

/**
 * Starts the nightly run at `runAt` (UTC) each day, read on the injected clock so the
 * sandbox's virtual clock can trigger it. A run only enqueues: one job per eligible card,
 * which every worker process may claim. Each process with a job runner may run the cron;
 * a card is enqueued at most once per night (singleton key card + night) and taken at most
 * once per night (LoginStore.claimNight), so duplicates refresh nothing.
 */
export class NightlyCron {
  /** "ran" (night, enqueued) after each scheduled run: tests and operators learn it happened. */
  readonly events = new EventEmitter();
  #stop: (() => void) | null = null;
  #loop: Promise<void> | null = null;

  constructor(private readonly deps: NightlyCronDeps) {}

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

  /** Enqueues the refresh of every eligible card not yet taken on `night`; returns how many were enqueued. */
  async enqueueNight(night: string): Promise<number> {
    let enqueued = 0;
    for (let afterId = ""; ; ) {
      const page = await this.deps.storage.logins.findNightlyCandidates(night, afterId, PAGE_SIZE);
      if (page.length === 0) return enqueued;
      afterId = page[page.length - 1]?.id ?? afterId;
      const now = this.deps.clock.now();
      const eligible = page.filter((card) => isEligibleForNightly(card, now));
      enqueued += await this.deps.storage.transaction(async (tx) => {
        let count = 0;
        for (const card of eligible) {
          // Held: a card deleted since the page was read gets no job naming it.
          if (!(await tx.logins.holdForWrite(card.customerId, card.id))) continue;
          const payload: NightlyRefreshPayload = { customerId: card.customerId, loginId: card.id, night };
          const id = await this.deps.jobs.enqueue(
            "nightly-refresh",
            payload,
            { singletonKey: singletonKeys.nightlyRefresh(card.id, night) },
            tx,
          );
          if (id) count++;
        }
        return count;
      });
    }
  }

  async #run(stopped: Promise<"stopped">): Promise<void> {
    for (;;) {
      const runAt = nextRunAfter(this.deps.clock.now(), this.deps.runAt);
      const woke = await Promise.race([this.deps.clock.sleepUntil(runAt).then(() => "due" as const), stopped]);
      if (woke === "stopped") return;
      try {
        const night = nightOf(runAt);
        this.events.emit("ran", night, await this.enqueueNight(night));
      } catch (error) {
        // The next night tries again; a card missed tonight is still eligible tomorrow.
        this.deps.log.error({ err: error }, "nightly refresh run failed");
      }
    }
  }
}

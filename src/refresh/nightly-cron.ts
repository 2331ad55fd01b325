import { EventEmitter } from "node:events";
import type { FastifyBaseLogger } from "fastify";
import type { Clock } from "../lib/clock.js";
import { ClockLoop } from "../lib/clock-loop.js";
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
 * once per night (LoginStore.takeForNight), so duplicates refresh nothing.
 */
export class NightlyCron {
  /** "ran" (night, enqueued) after each scheduled run: tests and operators learn it happened. */
  readonly events = new EventEmitter();
  readonly #loop: ClockLoop;

  constructor(private readonly deps: NightlyCronDeps) {
    this.#loop = new ClockLoop({
      clock: deps.clock,
      nextDue: (now) => nextRunAfter(now, deps.runAt),
      run: async (runAt) => {
        const night = nightOf(runAt);
        this.events.emit("ran", night, await this.enqueueNight(night));
      },
      // The next night tries again; a card missed tonight is still eligible tomorrow.
      onError: (error) => deps.log.error({ err: error }, "nightly refresh run failed"),
    });
  }

  start(): void {
    this.#loop.start();
  }

  stop(): Promise<void> {
    return this.#loop.stop();
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
        // Held: a card deleted since the page was read gets no job naming it.
        const held = await tx.logins.holdManyForWrite(eligible);
        const jobs = eligible
          .filter((card) => held.has(card.id))
          .map((card) => ({
            payload: { customerId: card.customerId, loginId: card.id, night } satisfies NightlyRefreshPayload,
            options: { singletonKey: singletonKeys.nightlyRefresh(card.id, night) },
          }));
        return this.deps.jobs.enqueueMany("nightly-refresh", jobs, tx);
      });
    }
  }
}

import { setTimeout as sleep } from "node:timers/promises";
import type { FastifyBaseLogger } from "fastify";
import { StoreFaultError } from "../errors/store-fault.js";
import type { Job } from "./job.js";
import { JOB_KINDS, type JobKind } from "./job-kinds.js";
import type { JobQueue } from "./job-queue.js";

/** One handler per job kind, each typed by its kind's payload. */
export type JobHandlers = { [K in JobKind]: (job: Job<K>) => Promise<void> };

export interface JobRunnerOptions {
  /** Jobs run at once by this process. */
  concurrency: number;
  /** How often an idle runner looks for work enqueued by other processes (real time). */
  pollIntervalMs: number;
}

/**
 * Pauses before each new try of a finished job's completion the store refused (a full disk, a
 * lock held past the wait): ~16 s in all, well inside a claim (BANKGATE_JOB_CLAIM_SECONDS).
 */
const COMPLETE_RETRY_PAUSES_MS = [250, 500, 1_000, 2_000, 4_000, 8_000];

/**
 * Runs claimed jobs with their handlers: success completes the job, a thrown error retries
 * it with backoff. The embedded mode runs one in the API process; the worker role runs one
 * against PostgreSQL for every API node.
 */
export class JobRunner {
  #running = false;
  #inFlight = new Set<Promise<void>>();
  /** Ends the loop's idle wait; null while the loop is not waiting. */
  #endIdle: (() => void) | null = null;
  /** A wake-up came while the loop was busy claiming: its next idle wait returns at once. */
  #wokenWhileBusy = false;
  /**
   * Whether the store may hold a job this runner could claim now. False after a claim that
   * found fewer jobs than it asked for; true again after an enqueue here, a job of this
   * runner ending (a retry due at once, or a job its transaction enqueued before committing),
   * and every poll (other processes' jobs). A job handed off by this process needs no claim:
   * with the store drained, taking it reads nothing (a live login's hand-off claimed twice,
   * ~4 reads, for nothing: docs/performance.md, "The runner's claims").
   */
  #storeMayHaveWork = true;
  #loop: Promise<void> | null = null;
  /** Ends the pauses of completions being retried: a stopping runner leaves them to their claim's lapse. */
  #stopping = new AbortController();

  constructor(
    private readonly queue: JobQueue,
    private readonly handlers: JobHandlers,
    private readonly options: JobRunnerOptions,
    private readonly log: Pick<FastifyBaseLogger, "warn" | "error">,
  ) {}

  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#stopping = new AbortController();
    this.queue.events.on("enqueued", this.#onEnqueued);
    this.queue.events.on("handedOff", this.#onHandedOff);
    this.queue.attachRunner();
    this.#loop = this.#run();
  }

  async stop(): Promise<void> {
    const started = this.#running;
    this.#running = false;
    this.#stopping.abort();
    this.queue.events.off("enqueued", this.#onEnqueued);
    this.queue.events.off("handedOff", this.#onHandedOff);
    this.#wake();
    await this.#loop;
    await Promise.all(this.#inFlight);
    if (started) await this.#detach();
  }

  /** Runs due jobs until none is left (tests and one-shot commands). */
  async runUntilIdle(): Promise<void> {
    // The jobs these jobs enqueue for this process are handed to it meanwhile.
    this.queue.attachRunner();
    try {
      for (;;) {
        const jobs = await this.#next(this.options.concurrency, (limit) => this.queue.claim(JOB_KINDS, limit));
        if (jobs.length === 0 && this.#inFlight.size === 0) return;
        await Promise.all([...jobs.map((job) => this.#execute(job)), ...this.#inFlight]);
      }
    } finally {
      await this.#detach();
    }
  }

  /** Stops taking handed-off jobs; those left unstarted go back to the queue. */
  async #detach(): Promise<void> {
    await this.queue.release(this.queue.detachRunner()).catch((error: unknown) => {
      // Their claims lapse instead, and another worker runs them then.
      this.log.error({ err: error }, "releasing handed-off jobs failed");
    });
  }

  /**
   * A job enqueued by a request starts on the next turn of the event loop, not in the
   * request's own microtasks: the request's answer (an MFA step's 200 that queued the card's
   * aggregation) is written first instead of waiting behind the job's first slice of work.
   */
  readonly #onEnqueued = () => {
    this.#storeMayHaveWork = true;
    setImmediate(() => this.#wake());
  };

  readonly #onHandedOff = () => {
    setImmediate(() => this.#wake());
  };

  async #run(): Promise<void> {
    while (this.#running) {
      const free = this.options.concurrency - this.#inFlight.size;
      const jobs = free > 0 ? await this.#next(free, (limit) => this.#claimWhenUseful(limit)) : [];
      for (const job of jobs) this.#track(this.#execute(job));
      // Fewer jobs than free slots: nothing else is due now, until a wake-up or the poll.
      if (jobs.length < free || free === 0) await this.#idle();
    }
  }

  /** Up to `limit` jobs to start: those handed off by this process first, then claimed from the store. */
  async #next(limit: number, claim: (limit: number) => Promise<Job[]>): Promise<Job[]> {
    const handedOff = this.queue.takeHandedOff(limit);
    return handedOff.length < limit ? [...handedOff, ...(await claim(limit - handedOff.length))] : handedOff;
  }

  async #claimWhenUseful(limit: number): Promise<Job[]> {
    if (!this.#storeMayHaveWork) return [];
    try {
      const claimed = await this.queue.claim(JOB_KINDS, limit);
      if (claimed.length < limit) this.#storeMayHaveWork = false;
      return claimed;
    } catch (error) {
      this.log.error({ err: error }, "claiming jobs failed");
      return [];
    }
  }

  #track(work: Promise<void>): void {
    this.#inFlight.add(work);
    void work.finally(() => {
      this.#inFlight.delete(work);
      this.#storeMayHaveWork = true;
      this.#wake();
    });
  }

  #wake(): void {
    if (this.#endIdle) this.#endIdle();
    else this.#wokenWhileBusy = true;
  }

  /** Until a wake-up (also one that came while the loop was busy) or the poll interval. */
  async #idle(): Promise<void> {
    if (!this.#wokenWhileBusy) {
      const polled = await new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => resolve(true), this.options.pollIntervalMs);
        this.#endIdle = () => {
          clearTimeout(timer);
          resolve(false);
        };
      });
      this.#endIdle = null;
      if (polled) this.#storeMayHaveWork = true;
    }
    this.#wokenWhileBusy = false;
  }

  async #execute(job: Job): Promise<void> {
    // A Job<K> always carries K's payload; TypeScript cannot follow that through the union.
    const handler = this.handlers[job.kind] as (job: Job) => Promise<void>;
    try {
      await handler(job);
    } catch (error) {
      return this.#fail(job, error);
    }
    await this.#complete(job).catch((error: unknown) => this.#fail(job, error));
  }

  /**
   * A job whose work is done completes even if the store refuses the first write: left
   * running, it was held until its claim lapsed (its card's data calls answering 202 for
   * minutes) and then ran again. Store faults pass; the completion is tried again after
   * each pause, while this runner runs. The claim's compare-and-swap keeps a late try from
   * settling a job another worker has claimed since.
   */
  async #complete(job: Job): Promise<void> {
    for (const pause of COMPLETE_RETRY_PAUSES_MS) {
      try {
        return await this.queue.complete(job);
      } catch (error) {
        if (!(error instanceof StoreFaultError)) throw error;
        this.log.warn({ jobId: job.id, kind: job.kind, err: error }, "completing a job failed; trying again");
        const paused = await sleep(pause, true, { signal: this.#stopping.signal }).catch(() => false);
        if (!paused) return;
      }
    }
    await this.queue.complete(job);
  }

  async #fail(job: Job, error: unknown): Promise<void> {
    const reason = error instanceof Error ? error.message : String(error);
    this.log.warn({ jobId: job.id, kind: job.kind, attempt: job.attempts, reason }, "job failed");
    await this.queue.fail(job, reason).catch((settleError: unknown) => this.log.error({ err: settleError }, "failing a job failed"));
  }
}

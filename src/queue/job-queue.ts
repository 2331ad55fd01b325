import { EventEmitter } from "node:events";
import type { Selectable } from "kysely";
import { type Clock, secondsAfter } from "../lib/clock.js";
import { newTimeOrderedId } from "../lib/ids.js";
import type { JobRow } from "../storage/schema.js";
import type { Storage } from "../storage/storage.js";
import { isVaultCiphertext, type Vault, VaultError } from "../vault/vault.js";
import type { EnqueueOptions, Job } from "./job.js";
import type { HandOffOf, JobKind, JobPayloads } from "./job-kinds.js";

export interface JobQueueOptions {
  /** A claimed job not settled within this time is taken by another worker. */
  claimSeconds: number;
  /** Delay before retry n (1-based): retryBaseSeconds × 2^(n−1). */
  retryBaseSeconds: number;
  defaultMaxAttempts: number;
  /** Kinds retried at a fixed interval instead (webhook deliveries: Flinks retries every 30 min). */
  fixedRetrySeconds?: Readonly<Partial<Record<string, number>>>;
  /** This process's lease-holder id, written on its claims: a dead holder's claims are released at once. */
  holderId?: string;
  /**
   * Kinds whose payload is stored as JSON, not sealed: it names only rows (card, session and
   * event ids) that the store keeps in the clear anyway, the job's own singleton key among
   * them. Every other kind's payload is sealed by the vault.
   */
  plainPayloadKinds?: readonly string[];
}

/**
 * The JobQueue port (a storage port with named guarantees, docs/architecture.md) over the job
 * table of either store. Guarantees:
 * - enqueue inside a transaction commits with it (or not at all);
 * - a singleton key admits one queued-or-running job at a time;
 * - a job is run by one worker at a time; a worker that dies loses its claim after
 *   `claimSeconds` and the job runs again (at least once, never twice at once);
 * - failures are retried with exponential backoff up to `maxAttempts`.
 * `settled` events let waiters in this process wake at once; other processes poll. The
 * runner wakes on `enqueued` (a job stored to be claimed) and `handedOff` (one given to it
 * without the store: nothing to claim).
 * `Payloads` types each kind's payload: the app's JobPayloads, or a conformance test's own.
 */
export class JobQueue<Payloads extends object = JobPayloads> {
  readonly events = new EventEmitter();
  readonly #plainPayloadKinds: ReadonlySet<string>;
  /** Runners of this process taking handed-off jobs (JobRunner.start attaches, stop detaches). */
  #runners = 0;
  /** Jobs enqueued already claimed for this process's runner, committed, not started yet. */
  #handedOff: { job: Job; lockedUntilMs: number }[] = [];

  constructor(
    private readonly storage: Storage,
    private readonly vault: Vault,
    private readonly clock: Clock,
    private readonly options: JobQueueOptions,
  ) {
    this.events.setMaxListeners(0);
    this.#plainPayloadKinds = new Set(options.plainPayloadKinds);
  }

  /** Returns the job id, or null when the singleton key is held by an active job. */
  async enqueue<K extends keyof Payloads & string>(
    kind: K,
    payload: Payloads[K],
    options: EnqueueOptions = {},
    tx: Storage = this.storage,
  ): Promise<string | null> {
    const row = this.#newRow(kind, payload, options, this.clock.now().getTime());
    const inserted = await tx.jobs.insert(row);
    if (inserted) this.events.emit("enqueued", kind);
    return inserted ? row.id : null;
  }

  /** enqueue of many jobs of one kind in one statement; returns how many were enqueued. */
  async enqueueMany<K extends keyof Payloads & string>(
    kind: K,
    jobs: readonly { payload: Payloads[K]; options?: EnqueueOptions }[],
    tx: Storage = this.storage,
  ): Promise<number> {
    const now = this.clock.now().getTime();
    const inserted = await tx.jobs.insertMany(jobs.map((job) => this.#newRow(kind, job.payload, job.options ?? {}, now)));
    if (inserted.size > 0) this.events.emit("enqueued", kind);
    return inserted.size;
  }

  /**
   * enqueue of a job this process's own runner is to run: while a runner is attached and the
   * job is due now, it is stored already claimed by this process (running, its first attempt
   * counted), and `handOff` — called once `tx` has committed — gives it to the runner, which
   * starts it without reading and claiming it back from the store. Otherwise (no runner here,
   * a job for later, a singleton key taken) it is enqueue, and `handOff` does nothing. A
   * handed-off job is the runner's as any claimed one: should this process die, its claim
   * lapses and another worker runs it. `handedOff` goes to the handler with the job
   * (Job.handedOff), in memory.
   */
  async enqueueForHere<K extends keyof Payloads & string>(
    kind: K,
    payload: Payloads[K],
    options: EnqueueOptions,
    tx: Storage,
    handedOff?: HandOffOf<K>,
  ): Promise<{ id: string | null; handOff(): Promise<void> }> {
    const now = this.clock.now().getTime();
    if (this.#runners === 0 || (options.runAt?.getTime() ?? now) > now) {
      return { id: await this.enqueue(kind, payload, options, tx), handOff: nothingToHandOff };
    }
    const row = this.#newRow(kind, payload, options, now);
    const lockedUntilMs = secondsAfter(new Date(now), this.options.claimSeconds).getTime();
    const claimed = { ...row, state: "running", attempts: 1, locked_until: lockedUntilMs, locked_by: this.options.holderId ?? null };
    if (!(await tx.jobs.insert(claimed))) return { id: null, handOff: nothingToHandOff };
    // The payload as given: nothing to parse or open back.
    const job = { ...this.#toJob(claimed, payload), handedOff } as Job;
    return { id: row.id, handOff: () => this.#handOff({ job, lockedUntilMs }) };
  }

  async #handOff(handed: { job: Job; lockedUntilMs: number }): Promise<void> {
    // The runner stopped between the enqueue and the commit: the job goes back to the queue.
    // Never an error for the caller, whose commit is done: if the store refuses, the claim
    // lapses and another worker runs the job then.
    if (this.#runners === 0) return this.release([handed.job]).catch(() => undefined);
    this.#handedOff.push(handed);
    this.events.emit("handedOff", handed.job.kind);
  }

  /** A runner of this process starts taking handed-off jobs. */
  attachRunner(): void {
    this.#runners++;
  }

  /** A runner stops: the handed-off jobs no runner is left to start, to be released. */
  detachRunner(): Job[] {
    this.#runners = Math.max(0, this.#runners - 1);
    if (this.#runners > 0) return [];
    const left = this.#handedOff.map((handed) => handed.job);
    this.#handedOff = [];
    return left;
  }

  /**
   * Up to `limit` handed-off jobs, oldest first. One whose claim lapsed while it waited is
   * dropped: the store may have given it to another worker already, and gives it out again.
   */
  takeHandedOff(limit: number): Job[] {
    const now = this.clock.now().getTime();
    const taken: Job[] = [];
    while (taken.length < limit && this.#handedOff.length > 0) {
      const handed = this.#handedOff.shift() as { job: Job; lockedUntilMs: number };
      if (handed.lockedUntilMs > now) taken.push(handed.job);
    }
    return taken;
  }

  /** Claimed jobs this process will not run, back to the queue: due at once for any worker. */
  async release(jobs: readonly Job[]): Promise<void> {
    const nowMs = this.clock.now().getTime();
    for (const job of jobs)
      await this.storage.jobs.settle(job.id, job.attempts, { state: "queued", runAtMs: nowMs, lastError: null, nowMs });
  }

  #newRow<K extends keyof Payloads & string>(kind: K, payload: Payloads[K], options: EnqueueOptions, now: number): JobRow {
    const id = newTimeOrderedId();
    return {
      id,
      kind,
      payload_enc: this.#plainPayloadKinds.has(kind) ? JSON.stringify(payload) : this.vault.encryptJson(payload, jobPayloadAad(id)),
      singleton_key: options.singletonKey ?? null,
      state: "queued",
      attempts: 0,
      max_attempts: options.maxAttempts ?? this.options.defaultMaxAttempts,
      run_at: options.runAt?.getTime() ?? now,
      locked_until: null,
      locked_by: null,
      last_error: null,
      created_at: now,
      updated_at: now,
    };
  }

  /** Claims up to `limit` due jobs of these kinds for this worker. */
  async claim(kinds: readonly (keyof Payloads & string)[], limit: number): Promise<Job[]> {
    const now = this.clock.now();
    const lockedUntil = secondsAfter(now, this.options.claimSeconds).getTime();
    const claimed: Job[] = [];
    // Read a few more candidates than wanted: other workers race for the same first rows. Each
    // slice is claimed in one write; a slice another worker took first leaves room for the next.
    const candidates = await this.storage.jobs.findClaimable(now.getTime(), kinds, limit * 4);
    for (let from = 0; from < candidates.length && claimed.length < limit; ) {
      const slice = candidates.slice(from, from + limit - claimed.length).map((row) => row.id);
      from += slice.length;
      for (const row of await this.storage.jobs.claimMany(slice, now.getTime(), lockedUntil, this.options.holderId ?? null)) {
        const job = await this.#openClaimed(row);
        if (job) claimed.push(job);
      }
    }
    return claimed;
  }

  async complete(job: Job): Promise<void> {
    await this.storage.jobs.settle(job.id, job.attempts, { state: "done", nowMs: this.clock.now().getTime() });
    this.events.emit("settled", job.id);
  }

  /** Schedules a retry with backoff, or fails the job for good after its last attempt. */
  async fail(job: Job, reason: string): Promise<void> {
    const now = this.clock.now();
    const lastError = reason.slice(0, 256);
    const retryAt = secondsAfter(
      now,
      this.options.fixedRetrySeconds?.[job.kind] ?? this.options.retryBaseSeconds * 2 ** (job.attempts - 1),
    );
    const next =
      job.attempts >= job.maxAttempts
        ? ({ state: "failed", lastError, nowMs: now.getTime() } as const)
        : ({ state: "queued", runAtMs: retryAt.getTime(), lastError, nowMs: now.getTime() } as const);
    await this.storage.jobs.settle(job.id, job.attempts, next);
    this.events.emit("settled", job.id);
  }

  async find(id: string): Promise<Job | undefined> {
    const row = await this.storage.jobs.find(id);
    return row && this.#toJob(row);
  }

  async findActive(singletonKey: string): Promise<Job | undefined> {
    const row = await this.storage.jobs.findActive(singletonKey);
    return row && this.#toJob(row);
  }

  async findLatest(singletonKey: string): Promise<Job | undefined> {
    const row = await this.storage.jobs.findLatest(singletonKey);
    return row && this.#toJob(row);
  }

  /**
   * A claimed row as a Job. A payload that fails to open (altered in the store, or sealed with
   * a master key this server lacks) fails its own job for good, with the reason as its last
   * error, instead of failing the whole claim and every job claimed with it, again and again.
   */
  async #openClaimed(row: Selectable<JobRow>): Promise<Job | null> {
    try {
      return this.#toJob(row);
    } catch (error) {
      if (!(error instanceof VaultError || error instanceof SyntaxError)) throw error;
      const lastError = `payload cannot be opened (${error.message})`;
      await this.storage.jobs.settle(row.id, row.attempts, { state: "failed", lastError, nowMs: this.clock.now().getTime() });
      this.events.emit("settled", row.id);
      return null;
    }
  }

  #toJob(row: Selectable<JobRow>, payload: unknown = this.#payloadOf(row)): Job {
    // The kind and payload were written together by enqueue, typed: they belong together.
    return {
      id: row.id,
      kind: row.kind as JobKind,
      payload,
      singletonKey: row.singleton_key,
      state: row.state as Job["state"],
      attempts: row.attempts,
      maxAttempts: row.max_attempts,
      runAt: new Date(row.run_at),
      lastError: row.last_error,
    } as Job;
  }

  /**
   * A plain kind's payload may still be sealed (enqueued before its kind was plain), never the
   * reverse: a sealed kind's payload that is not a vault ciphertext fails to open.
   */
  #payloadOf(row: Selectable<JobRow>): unknown {
    if (row.payload_enc === "") return null;
    if (this.#plainPayloadKinds.has(row.kind) && !isVaultCiphertext(row.payload_enc)) return JSON.parse(row.payload_enc);
    return this.vault.decryptJson(row.payload_enc, jobPayloadAad(row.id));
  }
}

/** The hand-off of a job enqueued as any other (or not at all). */
async function nothingToHandOff(): Promise<void> {}

/** Binds a job's payload to the job (master-key rotation re-wraps it under it). */
export function jobPayloadAad(jobId: string): string {
  return `job:${jobId}:payload`;
}

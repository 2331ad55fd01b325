import type { FastifyBaseLogger } from "fastify";
import type { Clock } from "../lib/clock.js";
import { newRandomId } from "../lib/ids.js";
import type { ProcessIdentity, ProcessProbe } from "../lib/process-probe.js";
import type { LeaseHolder } from "../storage/lease-holder-store.js";
import type { Storage } from "../storage/storage.js";

export interface LeaseHolderRegistryOptions {
  storage: Storage;
  /** The real clock: heartbeats measure process liveness, never the sandbox's virtual time. */
  clock: Clock;
  probe: ProcessProbe;
  /** A holder whose last heartbeat is older than this is dead (other hosts have nothing else to go by). */
  lapseSeconds: number;
  log: Pick<FastifyBaseLogger, "warn" | "error">;
}

/** What one sweep found dead and released. */
export interface ReleasedLeases {
  holders: number;
  sessions: number;
  jobs: number;
}

/**
 * This process as a lease holder (docs/decisions.md, "Leases and process death"): an id made
 * at start, written on every session lease and job claim the process takes, a row in
 * `lease_holders` with a heartbeat. Every process sweeps: a holder is dead when it runs on
 * this host and the OS says its process is gone (known at once, e.g. right after a restart),
 * or when its heartbeat lapsed (any host). A dead holder's session leases end (the sessions
 * recover as from a lapsed lease: an answer goes back to its challenge) and its job claims
 * lapse (the jobs run again), in one transaction, and it is forgotten.
 */
export class LeaseHolderRegistry {
  readonly id = newRandomId();
  readonly #self: ProcessIdentity;
  #timer: NodeJS.Timeout | null = null;
  #beating: Promise<void> | null = null;

  constructor(private readonly options: LeaseHolderRegistryOptions) {
    this.#self = options.probe.self();
  }

  /** Registers this process and releases what dead holders held; then beats every lapse/6 (real time, unref'd). */
  async start(): Promise<ReleasedLeases> {
    await this.#register();
    const released = await this.sweep();
    if (!this.#timer) {
      const intervalMs = Math.max(1, (this.options.lapseSeconds * 1000) / 6);
      this.#timer = setInterval(() => {
        this.#beating ??= this.#beat().finally(() => {
          this.#beating = null;
        });
      }, intervalMs);
      this.#timer.unref();
    }
    return released;
  }

  /** Finds dead holders and releases their leases and claims. */
  async sweep(): Promise<ReleasedLeases> {
    const { storage } = this.options;
    const dead = (await storage.leaseHolders.list()).filter((holder) => this.#isDead(holder)).map((holder) => holder.id);
    if (dead.length === 0) return { holders: 0, sessions: 0, jobs: 0 };
    return this.#release(dead);
  }

  /** A graceful stop, once nothing runs any more: the heartbeat ends and the row goes. */
  async stop(): Promise<void> {
    this.#stopBeating();
    await this.#beating;
    await this.options.storage.leaseHolders.remove([this.id]);
  }

  /**
   * Leaves the way a crash would, but says so: what this process still holds (a bank call past
   * the shutdown grace) is released for others and the row goes, so no one waits for a lapse.
   */
  async abandon(): Promise<ReleasedLeases> {
    this.#stopBeating();
    return this.#release([this.id]);
  }

  #stopBeating(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
  }

  async #release(ids: string[]): Promise<ReleasedLeases> {
    return this.options.storage.transaction(async (tx) => {
      const sessions = await tx.sessions.releaseLeasesOf(ids);
      const jobs = await tx.jobs.releaseClaimsOf(ids);
      await tx.leaseHolders.remove(ids);
      return { holders: ids.length, sessions, jobs };
    });
  }

  async #beat(): Promise<void> {
    try {
      if (!(await this.options.storage.leaseHolders.heartbeat(this.id, this.options.clock.now()))) {
        // Another process presumed this one dead (a stall longer than the lapse) and released its leases.
        this.options.log.warn({ holder: this.id }, "this process was presumed dead and its leases released; registering again");
        await this.#register();
      }
      await this.sweep();
    } catch (error) {
      this.options.log.error({ err: error }, "lease-holder heartbeat failed");
    }
  }

  async #register(): Promise<void> {
    const now = this.options.clock.now();
    await this.options.storage.leaseHolders.register({ id: this.id, ...this.#self, startedAt: now, heartbeatAt: now });
  }

  #isDead(holder: LeaseHolder): boolean {
    if (holder.id === this.id) return false;
    const lapsed = holder.heartbeatAt.getTime() + this.options.lapseSeconds * 1000 <= this.options.clock.now().getTime();
    if (lapsed) return true;
    return holder.host === this.#self.host && !this.options.probe.isRunning(holder.pid, holder.processStart);
  }
}

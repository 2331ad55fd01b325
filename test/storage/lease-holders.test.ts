/**
 * Leases name their holder (src/queue/lease-holder-registry.ts, migration 010), on both stores:
 * a holder whose process is gone from this host is dead at once, one on another host once its
 * heartbeat lapsed; what a dead holder held is released (session leases end without a version
 * bump, job claims become claimable) and a live holder's leases are never touched.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ManualClock } from "../../src/lib/clock.js";
import { newRandomId } from "../../src/lib/ids.js";
import type { ProcessIdentity, ProcessProbe } from "../../src/lib/process-probe.js";
import { JobQueue } from "../../src/queue/job-queue.js";
import { LeaseHolderRegistry } from "../../src/queue/lease-holder-registry.js";
import type { Session } from "../../src/records/session.js";
import { KyselyStorage, type Storage } from "../../src/storage/storage.js";
import { Vault } from "../../src/vault/vault.js";
import { createTestStore, skipPostgres, type TestStore } from "../helpers/test-store.js";

const vault = new Vault([{ id: "k", key: Buffer.alloc(32, 3) }]);
const silent = { warn: () => {}, error: () => {} };
const LAPSE_SECONDS = 30;

/** The OS as a test sees it: processes of host "here" run while their pid is in `running`. */
class FakeHost {
  readonly running = new Set<number>();
  #nextPid = 100;

  process(host = "here"): ProcessProbe & { identity: ProcessIdentity } {
    const identity = { host, pid: this.#nextPid++, processStart: "1" };
    this.running.add(identity.pid);
    return { identity, self: () => identity, isRunning: (pid) => this.running.has(pid) };
  }
}

function answeringSession(holder: string, leaseUntil: Date): Session {
  const now = new Date(leaseUntil.getTime() - 60_000);
  return {
    requestId: newRandomId(),
    customerId: newRandomId(),
    loginId: null,
    institution: "FlinksCapital",
    mode: "live",
    state: "answering",
    language: "en",
    save: true,
    tag: null,
    scheduleRefresh: false,
    challenges: [{ type: "QuestionAndAnswer", prompt: "What shape do people like most?" }],
    connectorStateEnc: "sealed-state",
    credentialsEnc: null,
    attemptsLeft: 3,
    errorCode: null,
    snapshotId: null,
    authorizeTokenHash: null,
    version: 2,
    leaseUntil,
    leaseHolder: holder,
    createdAt: now,
    lastActivityAt: now,
    expiresAt: new Date(now.getTime() + 480_000),
    absoluteExpiresAt: new Date(now.getTime() + 1_800_000),
  };
}

describe.each(["sqlite", "postgres"] as const)("lease holders: %s", (store) => {
  describe.skipIf(store === "postgres" && skipPostgres)(`${store} store`, () => {
    let testStore: TestStore;
    let storage: Storage;
    let clock: ManualClock;
    let os: FakeHost;

    beforeAll(async () => {
      testStore = await createTestStore(store, "leases");
      storage = new KyselyStorage((await testStore.open()).db);
      clock = new ManualClock();
      os = new FakeHost();
    });
    afterAll(async () => {
      await storage.close();
      await testStore.dispose();
    });

    const registry = (probe: ProcessProbe) => new LeaseHolderRegistry({ storage, clock, probe, lapseSeconds: LAPSE_SECONDS, log: silent });

    /** A session lease and a claimed job, both held by `holder`. */
    async function holdings(holder: LeaseHolderRegistry) {
      const session = answeringSession(holder.id, new Date(clock.now().getTime() + 60_000));
      await storage.sessions.insert(session);
      const queue = new JobQueue<Record<string, unknown>>(storage, vault, clock, {
        claimSeconds: 120,
        retryBaseSeconds: 5,
        defaultMaxAttempts: 3,
        holderId: holder.id,
      });
      const kind = `k-${newRandomId().slice(0, 8)}`;
      await queue.enqueue(kind, { n: 1 });
      const [job] = await queue.claim([kind], 1);
      if (!job) throw new Error("the job was not claimed");
      return { session, kind, job, queue };
    }

    async function stillHeld(h: Awaited<ReturnType<typeof holdings>>) {
      const session = await storage.sessions.find(h.session.customerId, h.session.requestId);
      const claimable = await storage.jobs.findClaimable(clock.now().getTime(), [h.kind], 10);
      return { session: session?.leaseUntil !== null, job: claimable.length === 0, version: session?.version };
    }

    it("a holder whose process is gone from this host is dead at once: its lease and claim are released, a live holder's are not", async () => {
      const deadProcess = os.process();
      const dead = registry(deadProcess);
      const alive = registry(os.process());
      await dead.start();
      await alive.start();
      const deadHoldings = await holdings(dead);
      const aliveHoldings = await holdings(alive);

      os.running.delete(deadProcess.identity.pid);
      const restarted = registry(os.process());
      expect(await restarted.start()).toEqual({ holders: 1, sessions: 1, jobs: 1 });

      // Released without a version bump: the next caller recovers the session by compare-and-swap.
      expect(await stillHeld(deadHoldings)).toEqual({ session: false, job: false, version: 2 });
      expect(await stillHeld(aliveHoldings)).toEqual({ session: true, job: true, version: 2 });
      const holders = (await storage.leaseHolders.list()).map((h) => h.id);
      expect(holders).not.toContain(dead.id);
      expect(holders).toEqual(expect.arrayContaining([alive.id, restarted.id]));
      // The released job is claimed again, once.
      const [again] = await deadHoldings.queue.claim([deadHoldings.kind], 1);
      expect(again?.attempts).toBe(2);
      for (const r of [alive, restarted]) await r.stop();
    });

    it("a pid reused by another process does not keep a dead holder alive", async () => {
      const deadProcess = os.process();
      const dead = registry(deadProcess);
      await dead.start();
      const held = await holdings(dead);
      // Same pid, another process start: the OS says "not that process".
      const reused = {
        ...deadProcess,
        isRunning: (pid: number, start: string | null) => pid !== deadProcess.identity.pid || start === "2",
      };
      const other = registry({ ...os.process(), isRunning: reused.isRunning });
      await other.start();
      expect(await stillHeld(held)).toMatchObject({ session: false, job: false });
      await other.stop();
    });

    it("a holder on another host is dead only once its heartbeat lapsed", async () => {
      const remote = registry(os.process("elsewhere"));
      await remote.start();
      const held = await holdings(remote);
      const local = registry(os.process());
      await local.start();

      clock.advanceSeconds(LAPSE_SECONDS - 1);
      expect(await local.sweep()).toEqual({ holders: 0, sessions: 0, jobs: 0 });
      expect(await stillHeld(held)).toMatchObject({ session: true, job: true });

      clock.advanceSeconds(1);
      // The local holder's own heartbeat lapsed too by now, but a process never presumes itself dead.
      expect((await local.sweep()).sessions).toBe(1);
      expect(await stillHeld(held)).toMatchObject({ session: false, job: false });
      await local.stop();
    });

    it("stop forgets the holder; abandon also releases what it still holds", async () => {
      const leaving = registry(os.process());
      await leaving.start();
      await leaving.stop();
      expect((await storage.leaseHolders.list()).map((h) => h.id)).not.toContain(leaving.id);

      const abandoning = registry(os.process());
      await abandoning.start();
      const held = await holdings(abandoning);
      expect(await abandoning.abandon()).toEqual({ holders: 1, sessions: 1, jobs: 1 });
      expect(await stillHeld(held)).toMatchObject({ session: false, job: false });
      expect((await storage.leaseHolders.list()).map((h) => h.id)).not.toContain(abandoning.id);
    });

    it("a heartbeat finds out when the holder was presumed dead", async () => {
      const holder = registry(os.process());
      await holder.start();
      expect(await storage.leaseHolders.heartbeat(holder.id, clock.now())).toBe(true);
      await storage.leaseHolders.remove([holder.id]);
      expect(await storage.leaseHolders.heartbeat(holder.id, clock.now())).toBe(false);
      await holder.stop();
    });
  });
});

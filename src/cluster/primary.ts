import cluster, { type Worker } from "node:cluster";
import { AggregatorRegistry } from "prom-client";
import type { Config } from "../config/config.js";
import { systemClock } from "../lib/clock.js";
import { VirtualClock, type VirtualClockSetting } from "../lib/virtual-clock.js";
import { type ClockChange, isBankgateMessage, type PrimaryMessage, type WorkerNotice, type WorkerRequest } from "./cluster-messages.js";

/** A worker that died is replaced after this pause, so a worker that dies at once cannot spin the machine. */
const REPLACE_AFTER_MS = 1_000;
/** How long a change of virtual time waits for a worker to take it before answering without it. */
const ADOPT_WAIT_MS = 2_000;
/** Workers get the shutdown grace, then this long to exit, before they are killed. */
const EXIT_MARGIN_MS = 5_000;

type Log = { info(obj: object, msg: string): void; warn(obj: object, msg: string): void; error(obj: object, msg: string): void };

/**
 * The primary of BANKGATE_WORKERS > 1 (docs/decisions.md, "Worker processes"): serves nothing
 * itself. It starts the workers one after the other (the first alone creates the store and
 * the development keys), replaces one that dies, owns the virtual time every worker shows,
 * gathers their metrics for /metrics, and on SIGTERM or SIGINT stops them all gracefully and
 * exits once they have (1 if one failed to).
 */
export function runPrimary(config: Config, log: Log): void {
  const wanted = config.server.workers;
  const clock = new VirtualClock(systemClock);
  const metrics = config.server.metrics ? new AggregatorRegistry() : null;
  /** Per change of virtual time not yet taken everywhere: the workers still to take it. */
  const rounds = new Map<number, { pending: Set<Worker>; settle(): void }>();
  let round = 0;
  let starting = true;
  let stopping = false;
  let failedExit = false;

  const liveWorkers = () => Object.values(cluster.workers ?? {}).filter((w): w is Worker => w !== undefined && !w.isDead());

  const fork = () => {
    const worker = cluster.fork();
    worker.on("message", (message: unknown) => {
      if (isBankgateMessage<WorkerRequest | WorkerNotice>(message)) void answer(worker, message);
    });
  };

  const answer = async (worker: Worker, message: WorkerRequest | WorkerNotice) => {
    switch (message.bankgate) {
      case "ready":
        if (!starting) log.info({ pid: worker.process.pid }, "replacement worker serving");
        else if (liveWorkers().length < wanted) fork();
        else {
          starting = false;
          log.info({ workers: wanted }, "all workers serving");
        }
        return;
      case "clock-adopted":
        adopted(message.round, worker);
        return;
      case "clock-read":
        return reply(worker, { bankgate: "reply", id: message.id, setting: clock.setting() });
      case "clock-change":
        return reply(worker, { bankgate: "reply", id: message.id, ...(await changeEverywhere(message.change)) });
      case "metrics":
        return reply(worker, { bankgate: "reply", id: message.id, ...(await gatherMetrics()) });
    }
  };

  const reply = (worker: Worker, message: PrimaryMessage) => {
    if (!worker.isDead()) worker.send(message);
  };

  /** Applies a change here, has every live worker take the new setting, and resolves once they have (or the wait is over). */
  const changeEverywhere = async (change: ClockChange): Promise<{ setting?: VirtualClockSetting; error?: string }> => {
    try {
      if (change.kind === "advance") clock.advanceSeconds(change.seconds);
      else if (change.kind === "freeze") clock.freeze();
      else clock.unfreeze();
    } catch (error) {
      return { error: error instanceof Error ? error.message : String(error) };
    }
    const thisRound = ++round;
    const setting = clock.setting();
    await new Promise<void>((settle) => {
      const pending = new Set(liveWorkers());
      if (pending.size === 0) return settle();
      const timer = setTimeout(() => {
        log.warn({ round: thisRound, workers: pending.size }, "workers did not take the virtual clock's change in time");
        settle();
      }, ADOPT_WAIT_MS);
      rounds.set(thisRound, {
        pending,
        settle: () => {
          clearTimeout(timer);
          settle();
        },
      });
      for (const worker of pending) worker.send({ bankgate: "clock-setting", round: thisRound, setting } satisfies PrimaryMessage);
    });
    rounds.delete(thisRound);
    return { setting };
  };

  /** `worker` shows round `n`'s setting, or never will (it exited). */
  const adopted = (n: number, worker: Worker) => {
    const waiting = rounds.get(n);
    if (waiting?.pending.delete(worker) && waiting.pending.size === 0) waiting.settle();
  };

  const gatherMetrics = async (): Promise<{ text?: string; error?: string }> => {
    if (!metrics) return { error: "metrics are off" };
    try {
      return { text: await metrics.clusterMetrics() };
    } catch (error) {
      return { error: error instanceof Error ? error.message : String(error) };
    }
  };

  cluster.on("exit", (worker, code, signal) => {
    for (const n of rounds.keys()) adopted(n, worker);
    if (stopping) {
      // A worker still starting has no handler yet: the signal itself ends it, as it should.
      if (code !== 0 && signal !== "SIGTERM") failedExit = true;
      if (liveWorkers().length === 0) process.exit(failedExit ? 1 : 0);
      return;
    }
    if (starting) {
      // A worker that cannot start (its error is on stderr) would fail the same way again.
      log.error({ code, signal }, "a worker failed to start: stopping");
      stop("SIGTERM", 1);
      return;
    }
    log.warn({ code, signal }, "a worker died: starting another");
    setTimeout(() => stopping || fork(), REPLACE_AFTER_MS).unref();
  });

  const stop = (signal: NodeJS.Signals, exitCode = 0) => {
    if (stopping) return;
    stopping = true;
    if (exitCode !== 0) failedExit = true;
    log.info({ signal, workers: liveWorkers().length }, "stopping the workers");
    for (const worker of liveWorkers()) worker.process.kill("SIGTERM");
    if (liveWorkers().length === 0) process.exit(failedExit ? 1 : 0);
    setTimeout(
      () => {
        for (const worker of liveWorkers()) worker.process.kill("SIGKILL");
        process.exit(1);
      },
      config.server.shutdownGraceSeconds * 1000 + EXIT_MARGIN_MS,
    ).unref();
  };
  process.once("SIGINT", () => stop("SIGINT"));
  process.once("SIGTERM", () => stop("SIGTERM"));

  fork();
}

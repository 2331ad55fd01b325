import { AggregatorRegistry, type Registry } from "prom-client";
import type { VirtualClock, VirtualTimeControl } from "../lib/virtual-clock.js";
import { type ClockChange, isBankgateMessage, type PrimaryMessage, type WorkerNotice, type WorkerRequest } from "./cluster-messages.js";

/** How long a worker waits for its primary's answer (it only stalls when the primary is wedged). */
const ANSWER_WAIT_MS = 10_000;

type Reply = Extract<PrimaryMessage, { bankgate: "reply" }>;
/** A request before its id is given: Omit on each member of the union, not on the union. */
type WithoutId<R> = R extends unknown ? Omit<R, "id"> : never;
type Question = WithoutId<WorkerRequest>;

/**
 * A worker process's line to its primary (node:cluster IPC; docs/decisions.md, "Worker
 * processes"): what would otherwise be per process and must not be — the sandbox's virtual
 * time and the Prometheus metrics — goes through the primary. Built first thing in a worker,
 * before anything awaits, so no message of the primary arrives with nobody listening.
 */
export class PrimaryLink {
  #nextId = 0;
  readonly #waiting = new Map<number, { answer(reply: Reply): void; fail(error: Error): void }>();
  #clock: VirtualClock | null = null;

  constructor() {
    process.on("message", (message: unknown) => {
      if (isBankgateMessage<PrimaryMessage>(message)) this.#receive(message);
    });
    // The primary is gone: nobody will answer what is waiting.
    process.once("disconnect", () => {
      for (const waiter of this.#waiting.values()) waiter.fail(new Error("the primary process is gone"));
      this.#waiting.clear();
    });
  }

  /**
   * Sets `clock` to the primary's virtual time and keeps it so: every change any worker asks
   * for reaches this clock before the asking request is answered. Returns the control the
   * sandbox routes move time with.
   */
  async shareVirtualTime(clock: VirtualClock): Promise<VirtualTimeControl> {
    this.#clock = clock;
    const { setting } = await this.#ask({ bankgate: "clock-read" });
    if (setting) clock.adopt(setting);
    const change = async (wanted: ClockChange) => {
      const reply = await this.#ask({ bankgate: "clock-change", change: wanted });
      if (reply.error) throw new RangeError(reply.error);
    };
    return {
      state: () => clock.state(),
      // The primary's clock refuses what this process's would (a RangeError, passed back).
      advanceSeconds: (seconds) => change({ kind: "advance", seconds }),
      freeze: () => change({ kind: "freeze" }),
      unfreeze: () => change({ kind: "unfreeze" }),
    };
  }

  /** `registry` joins the primary's gathering; the returned render is every worker's metrics in one exposition. */
  shareMetrics(registry: Registry): () => Promise<string> {
    // prom-client answers the primary's gathering requests in a worker once one AggregatorRegistry exists there.
    new AggregatorRegistry();
    AggregatorRegistry.setRegistries([registry]);
    return async () => {
      const { text, error } = await this.#ask({ bankgate: "metrics" });
      if (text === undefined) throw new Error(`the primary could not gather the workers' metrics: ${error ?? "no answer"}`);
      return text;
    };
  }

  /** This worker serves now: the primary starts the next one (one at a time, so the first alone creates the store). */
  ready(): void {
    process.send?.({ bankgate: "ready" } satisfies WorkerNotice);
  }

  #receive(message: PrimaryMessage): void {
    if (message.bankgate === "clock-setting") {
      this.#clock?.adopt(message.setting);
      process.send?.({ bankgate: "clock-adopted", round: message.round } satisfies WorkerNotice);
      return;
    }
    const waiter = this.#waiting.get(message.id);
    this.#waiting.delete(message.id);
    waiter?.answer(message);
  }

  #ask(question: Question): Promise<Reply> {
    const id = this.#nextId++;
    return new Promise<Reply>((resolve, reject) => {
      const timer = setTimeout(
        () => waiter.fail(new Error(`the primary did not answer ${question.bankgate} within ${ANSWER_WAIT_MS} ms`)),
        ANSWER_WAIT_MS,
      );
      const waiter = {
        answer: (reply: Reply) => {
          clearTimeout(timer);
          resolve(reply);
        },
        fail: (error: Error) => {
          clearTimeout(timer);
          this.#waiting.delete(id);
          reject(error);
        },
      };
      this.#waiting.set(id, waiter);
      process.send?.({ ...question, id } as WorkerRequest);
    });
  }
}

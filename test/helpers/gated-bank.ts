import { ConnectorRegistry } from "../../src/connectors/registry.js";
import type { InstitutionConnector } from "../../src/connectors/types.js";
import { deferred } from "./deferred.js";
import { flinksCapital } from "./test-app.js";

export type Step = "start" | "answer" | "fetchData";

/** A held step: calls that reach it wait until `release()`; `entered` resolves when the first one arrives. */
export interface Gate {
  entered: Promise<void>;
  /** Calls that reached the bank while held. */
  arrivals: number;
  release(): void;
}

/**
 * The FlinksCapital sandbox with steps a race test can hold at the bank: `hold("answer")`
 * makes the next answers wait until the gate is released, so a test knows a step is "at the
 * bank right now" without sleeping. Unheld steps run as the sandbox runs them.
 */
export interface GatedBank {
  registry: ConnectorRegistry;
  hold(step: Step): Gate;
  /** Calls that reached each step so far. */
  calls: Record<Step, number>;
}

export function createGatedBank(): GatedBank {
  const bank = flinksCapital();
  const gates: Partial<Record<Step, Gate & { opened: Promise<void>; arrive(): void }>> = {};
  const calls: Record<Step, number> = { start: 0, answer: 0, fetchData: 0 };
  const pass = async (step: Step) => {
    calls[step]++;
    const gate = gates[step];
    if (!gate) return;
    gate.arrive();
    await gate.opened;
  };
  const connector: InstitutionConnector = {
    ...bank,
    async start(credentials, ctx) {
      await pass("start");
      return bank.start(credentials, ctx);
    },
    async answer(answers, state, ctx) {
      await pass("answer");
      return bank.answer(answers, state, ctx);
    },
    async fetchData(state, ctx) {
      await pass("fetchData");
      return bank.fetchData(state, ctx);
    },
  };
  return {
    registry: new ConnectorRegistry([connector]),
    calls,
    hold(step) {
      const opened = deferred();
      const entered = deferred();
      const gate = {
        entered: entered.promise,
        opened: opened.promise,
        arrivals: 0,
        arrive() {
          gate.arrivals++;
          entered.resolve();
        },
        release() {
          if (gates[step] === gate) delete gates[step];
          opened.resolve();
        },
      };
      gates[step] = gate;
      return gate;
    },
  };
}

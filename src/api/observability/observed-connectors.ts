import { performance } from "node:perf_hooks";
import { ConnectorRegistry } from "../../connectors/registry.js";
import type { FetchResult, InstitutionConnector, StepResult } from "../../connectors/types.js";

const OBSERVED = new Set<PropertyKey>(["start", "answer", "fetchData"]);

/** One finished call to a connector's start, answer or fetchData. */
export interface ConnectorCall {
  institution: string;
  operation: string;
  /** The result's kind, or `threw` when the connector threw. */
  outcome: StepResult["kind"] | FetchResult["kind"] | "threw";
  /** A failed result's catalogued code, `exception` when it threw, else null. */
  code: string | null;
  seconds: number;
}

export type ConnectorCallObserver = (call: ConnectorCall) => void;

/**
 * The same institutions, each call to start, answer and fetchData reported to every observer
 * (the metrics count them; Server-Timing adds their time to the request's). A Proxy rather than
 * a copy: everything else a connector is — its class, its private fields, members beyond the
 * contract — stays exactly as it was.
 */
export function observeConnectors(registry: ConnectorRegistry, observers: readonly ConnectorCallObserver[]): ConnectorRegistry {
  if (observers.length === 0) return registry;
  const report = (call: ConnectorCall) => {
    for (const observer of observers) observer(call);
  };
  return new ConnectorRegistry(registry.list().map((connector) => observed(connector, report)));
}

function observed(connector: InstitutionConnector, report: ConnectorCallObserver): InstitutionConnector {
  return new Proxy(connector, {
    get(target, property) {
      const value = Reflect.get(target, property, target);
      if (typeof value !== "function") return value;
      if (!OBSERVED.has(property)) return value.bind(target);
      return async (...args: unknown[]) => {
        const started = performance.now();
        const call = (outcome: ConnectorCall["outcome"], code: string | null): ConnectorCall => ({
          institution: target.id,
          operation: String(property),
          outcome,
          code,
          seconds: (performance.now() - started) / 1000,
        });
        try {
          const result = (await value.apply(target, args)) as StepResult | FetchResult;
          report(call(result.kind, result.kind === "failed" ? result.code : null));
          return result;
        } catch (error) {
          report(call("threw", "exception"));
          throw error;
        }
      };
    },
  });
}

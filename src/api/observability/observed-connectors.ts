import { performance } from "node:perf_hooks";
import { ConnectorRegistry } from "../../connectors/registry.js";
import type { FetchResult, InstitutionConnector, StepResult } from "../../connectors/types.js";
import type { BankgateMetrics } from "./bankgate-metrics.js";

const OBSERVED = new Set<PropertyKey>(["start", "answer", "fetchData"]);

/**
 * The same institutions, each call to start, answer and fetchData counted in the metrics by
 * institution code, operation and outcome (a failed result's catalogued code, or `exception`
 * when the connector threw). A Proxy rather than a copy: everything else a connector is —
 * its class, its private fields, members beyond the contract — stays exactly as it was.
 */
export function observeConnectors(registry: ConnectorRegistry, metrics: BankgateMetrics): ConnectorRegistry {
  return new ConnectorRegistry(registry.list().map((connector) => observed(connector, metrics)));
}

function observed(connector: InstitutionConnector, metrics: BankgateMetrics): InstitutionConnector {
  return new Proxy(connector, {
    get(target, property) {
      const value = Reflect.get(target, property, target);
      if (typeof value !== "function") return value;
      if (!OBSERVED.has(property)) return value.bind(target);
      return async (...args: unknown[]) => {
        const started = performance.now();
        const seconds = () => (performance.now() - started) / 1000;
        try {
          const result = (await value.apply(target, args)) as StepResult | FetchResult;
          metrics.connectorCalled(target.id, String(property), result.kind, result.kind === "failed" ? result.code : null, seconds());
          return result;
        } catch (error) {
          metrics.connectorCalled(target.id, String(property), "threw", "exception", seconds());
          throw error;
        }
      };
    },
  });
}

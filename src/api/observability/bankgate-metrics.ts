import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";
import type { Clock } from "../../lib/clock.js";
import type { GroupCount, MetricsReadings } from "../../storage/metrics-readings.js";

/** What one connector call ended with, as a label: the StepResult/FetchResult kind, or `threw`. */
export type ConnectorOutcome = "authorized" | "challenged" | "failed" | "data" | "unchanged" | "threw";

/** Where a worker process's metrics join its siblings' (BANKGATE_WORKERS > 1: the primary gathers them). */
export interface MetricsGathering {
  shareMetrics(registry: Registry): () => Promise<string>;
}

/**
 * bankgate's Prometheus metrics, one registry per app (no module-level state), with prom-client:
 * counters and histograms that the request and connector paths bump, gauges read from the store
 * at scrape time only (their `collect` runs when /metrics is read, one grouped count query
 * each), and Node's process metrics. Label values are route patterns, methods, statuses,
 * institution codes, states, kinds, types and catalogued codes — never an id, a username or a
 * secret (docs/observability.md lists every metric).
 */
export class BankgateMetrics {
  readonly registry = new Registry();
  readonly #requests: Counter<"method" | "route" | "status">;
  readonly #latency: Histogram<"method" | "route">;
  readonly #connectorCalls: Counter<"institution" | "operation" | "outcome">;
  readonly #connectorErrors: Counter<"institution" | "operation" | "code">;
  readonly #connectorLatency: Histogram<"institution" | "operation">;
  /** The Prometheus text exposition of every metric (reads the store for the gauges), of every worker when gathered. */
  readonly render: () => Promise<string>;

  constructor(readings: MetricsReadings, clock: Clock, gathering?: MetricsGathering) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry, prefix: "bankgate_" });
    this.#requests = new Counter({
      name: "bankgate_http_requests_total",
      help: "HTTP requests answered, by method, route pattern (unmatched: no route) and status.",
      labelNames: ["method", "route", "status"],
      registers,
    });
    this.#latency = new Histogram({
      name: "bankgate_http_request_duration_seconds",
      help: "Time from request to answer sent, by method and route pattern.",
      labelNames: ["method", "route"],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    });
    this.#connectorCalls = new Counter({
      name: "bankgate_connector_calls_total",
      help: "Calls to institution connectors, by institution, operation (start, answer, fetchData) and outcome.",
      labelNames: ["institution", "operation", "outcome"],
      registers,
    });
    this.#connectorErrors = new Counter({
      name: "bankgate_connector_errors_total",
      help: "Connector calls that failed, by institution, operation and catalogued code (exception: the connector threw).",
      labelNames: ["institution", "operation", "code"],
      registers,
    });
    this.#connectorLatency = new Histogram({
      name: "bankgate_connector_call_duration_seconds",
      help: "Duration of connector calls (the institution's answer time included), by institution and operation.",
      labelNames: ["institution", "operation"],
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers,
    });
    registerStoreGauges(this.registry, readings, clock);
    this.render = gathering ? gathering.shareMetrics(this.registry) : () => this.registry.metrics();
  }

  /** One answered request; `route` is the route's pattern (`/v3/:customerId/…`), never the URL. */
  requestAnswered(method: string, route: string, status: number, seconds: number): void {
    this.#requests.inc({ method, route, status: String(status) });
    this.#latency.observe({ method, route }, seconds);
  }

  connectorCalled(institution: string, operation: string, outcome: ConnectorOutcome, code: string | null, seconds: number): void {
    this.#connectorCalls.inc({ institution, operation, outcome });
    this.#connectorLatency.observe({ institution, operation }, seconds);
    if (code !== null) this.#connectorErrors.inc({ institution, operation, code });
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}

/**
 * The gauges read from the store. A reading that fails (the store is down) leaves its gauge
 * empty and counts in bankgate_store_read_failures_total: the process metrics are still served.
 * Every worker process reads the same store, so gathered across workers (BANKGATE_WORKERS > 1)
 * a gauge is the first worker's reading, not their sum.
 */
function registerStoreGauges(registry: Registry, readings: MetricsReadings, clock: Clock): void {
  const registers = [registry];
  const failures = new Counter({
    name: "bankgate_store_read_failures_total",
    help: "Store readings of a scrape that failed (their gauges were left empty).",
    registers,
  });
  const grouped = <L extends string>(name: string, help: string, labelNames: L[], read: () => Promise<GroupCount<L>[]>) =>
    new Gauge<L>({
      name,
      help,
      labelNames,
      registers,
      aggregator: "first",
      async collect() {
        this.reset();
        const groups = await guarded(read, failures);
        for (const group of groups ?? []) this.set(group.labels as Partial<Record<L, string>>, group.count);
      },
    });
  new Gauge({
    name: "bankgate_live_sessions",
    help: "Sessions in progress (connecting, challenged, answering) and not expired.",
    registers,
    aggregator: "first",
    async collect() {
      this.set((await guarded(() => readings.liveSessions(clock.now().getTime()), failures)) ?? 0);
    },
  });
  grouped("bankgate_sessions", "Sessions in the store, by state.", ["state"], () => readings.sessionsByState());
  grouped("bankgate_jobs", "Jobs in the store, by kind and state.", ["kind", "state"], () => readings.jobsByKindAndState());
  new Gauge<"kind">({
    name: "bankgate_job_lag_seconds",
    help: "Per job kind, how long the oldest due queued job has waited past its run time (absent: none waits).",
    labelNames: ["kind"],
    registers,
    aggregator: "first",
    async collect() {
      this.reset();
      const nowMs = clock.now().getTime();
      for (const due of (await guarded(() => readings.oldestDueJobByKind(nowMs), failures)) ?? []) {
        this.set({ kind: due.kind }, Math.max(0, nowMs - due.runAtMs) / 1000);
      }
    },
  });
  grouped("bankgate_webhook_events", "Webhook events, by type and delivery state (pending, delivered, failed).", ["type", "state"], () =>
    readings.webhookEventsByTypeAndState(),
  );
  grouped("bankgate_webhook_attempts", "Webhook delivery attempts, by outcome (ok: a 2xx answer).", ["outcome"], () =>
    readings.webhookAttemptsByOutcome(),
  );
  grouped(
    "bankgate_nightly_refresh_cards",
    "Cards the nightly refresh took, by the state their last refresh ended in and its error code (none: it succeeded).",
    ["state", "error"],
    () => readings.nightlyRefreshOutcomes(),
  );
}

async function guarded<T>(read: () => Promise<T>, failures: Counter): Promise<T | null> {
  try {
    return await read();
  } catch {
    failures.inc();
    return null;
  }
}

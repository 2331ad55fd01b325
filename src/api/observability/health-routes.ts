import type { FastifyInstance } from "fastify";
import type { MetricsReadings } from "../../storage/metrics-readings.js";

type Check = "ok" | string;

/**
 * /health/live: the process answers HTTP (for a liveness probe: restart it when this fails).
 * /health/ready: it can serve — the store answers, every migration is applied and the Connect
 * widget is built — 200 with each check, or 503 naming what is not ready (for a readiness
 * probe: send it no traffic meanwhile). /health (app.ts) stays as it was: it never touches the
 * store.
 */
export function registerHealthRoutes(app: FastifyInstance, deps: { readings: MetricsReadings; widgetBuilt: () => boolean }): void {
  app.get("/health/live", { schema: { hide: true } }, async () => ({ status: "live" }));
  app.get("/health/ready", { schema: { hide: true } }, async (_request, reply) => {
    const checks: Record<"store" | "migrations" | "widget", Check> = { store: "ok", migrations: "ok", widget: "ok" };
    try {
      const pending = await deps.readings.pendingMigrations();
      if (pending.length > 0) checks.migrations = `pending: ${pending.join(", ")}`;
    } catch {
      checks.store = "unreachable";
      checks.migrations = "unknown";
    }
    if (!deps.widgetBuilt()) checks.widget = "not built (npm run build)";
    const ready = Object.values(checks).every((check) => check === "ok");
    return reply.code(ready ? 200 : 503).send({ status: ready ? "ready" : "not ready", checks });
  });
}

import { Type } from "typebox";
import { nextRunAfter } from "../../lib/nightly-schedule.js";
import type { ApiServices, TypedApp } from "../api-services.js";
import { sandboxOf } from "./dashboard-cards.js";
import type { DashboardServices } from "./dashboard-services.js";

const AdvanceBody = Type.Object({ seconds: Type.Integer({ minimum: 1, maximum: 31_536_000 }) }, { additionalProperties: false });

/**
 * The sandbox's virtual clock and the nightly run: the same process-wide clock as
 * /sandbox/v1/{customerId}/clock (docs/sandbox.md). "Run tonight's refresh now" moves the clock to
 * the next nightly run, so the cron itself runs it, exactly as it would at night.
 */
export function registerDashboardClock(app: TypedApp, services: ApiServices, dashboard: DashboardServices): void {
  const view = () => {
    const clock = services.sandbox?.clock;
    const now = dashboard.clock.now();
    return {
      sandbox: clock !== undefined,
      now: now.toISOString(),
      offsetSeconds: clock?.state().offsetSeconds ?? 0,
      frozen: clock?.state().frozen ?? false,
      nightly: { enabled: dashboard.nightly.enabled, nextRunAt: nextRunAfter(now, dashboard.nightly.at).toISOString() },
    };
  };
  const config = { auth: "public" as const };

  app.get("/dashboard/api/clock", { schema: { hide: true }, config }, async function dashboardClock() {
    return view();
  });

  app.post("/dashboard/api/clock/advance", { schema: { hide: true, body: AdvanceBody }, config }, async function dashboardAdvance(request) {
    await sandboxOf(services).clock.advanceSeconds(request.body.seconds);
    return view();
  });

  app.post("/dashboard/api/clock/freeze", { schema: { hide: true }, config }, async function dashboardFreeze() {
    await sandboxOf(services).clock.freeze();
    return view();
  });

  app.post("/dashboard/api/clock/unfreeze", { schema: { hide: true }, config }, async function dashboardUnfreeze() {
    await sandboxOf(services).clock.unfreeze();
    return view();
  });

  app.post("/dashboard/api/clock/run-nightly", { schema: { hide: true }, config }, async function dashboardRunNightly() {
    const clock = sandboxOf(services).clock;
    const { now } = clock.state();
    await clock.advanceSeconds(Math.max(1, Math.ceil((nextRunAfter(now, dashboard.nightly.at).getTime() - now.getTime()) / 1000)));
    return view();
  });
}

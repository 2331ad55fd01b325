import { Type } from "typebox";
import { ScenarioScriptSchema } from "../../connectors/sandbox/scenario-script.js";
import { ApiError } from "../../errors/api-error.js";
import type { ApiServices, TypedApp } from "../api-services.js";
import { sandboxOf } from "./dashboard-cards.js";

const ScriptParams = Type.Object({ name: Type.String({ maxLength: 40 }) });

/** Scenario scripts (docs/sandbox.md): list them, read one, register or replace it. Validation errors come back as the control plane's. */
export function registerDashboardScripts(app: TypedApp, services: ApiServices): void {
  const config = { auth: "public" as const };

  app.get("/dashboard/api/scripts", { schema: { hide: true }, config }, async function dashboardScripts(request) {
    return { names: await sandboxOf(services).controls.listScripts(request.dashboardViewer.customerId) };
  });

  app.get(
    "/dashboard/api/scripts/:name",
    { schema: { hide: true, params: ScriptParams }, config },
    async function dashboardScript(request) {
      return sandboxOf(services).controls.getScript(request.dashboardViewer.customerId, request.params.name);
    },
  );

  app.put(
    "/dashboard/api/scripts/:name",
    { schema: { hide: true, params: ScriptParams, body: ScenarioScriptSchema }, config },
    async function dashboardPutScript(request) {
      if (request.body.name !== request.params.name) throw new ApiError("INVALID_REQUEST", {}, "The body's name must be the path's name.");
      await sandboxOf(services).controls.putScript(request.dashboardViewer.customerId, request.body);
      return request.body;
    },
  );
}

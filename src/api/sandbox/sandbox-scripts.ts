import { Type } from "typebox";
import { ScenarioScriptSchema } from "../../connectors/sandbox/scenario-script.js";
import { ApiError } from "../../errors/api-error.js";
import type { SandboxControls } from "../../logins/sandbox-controls.js";
import type { TypedApp } from "../api-services.js";
import { CustomerParams, SandboxErrorBody, SERVED_WHEN, sandboxSecurity } from "./sandbox-schemas.js";

const ScriptParams = Type.Object({
  ...CustomerParams.properties,
  name: Type.String({ maxLength: 40, description: "The script's name (its username).", examples: ["acme_pet_question"] }),
});

/**
 * The control plane's scenario scripts (docs/sandbox.md): a test registers a custom
 * FlinksCapital user — its steps, challenges, errors, latency and data seed — then logs in with
 * it like any catalogue user. Registering a name again replaces its script.
 */
export function registerSandboxScripts(app: TypedApp, controls: SandboxControls): void {
  app.put(
    "/sandbox/v1/:customerId/scripts/:name",
    {
      schema: {
        tags: ["Sandbox"],
        summary: "Register (or replace) a scenario script",
        description: `Then log in at FlinksCapital with Username \`{name}\` (or \`{name}+anything\` for more cards) and the script's password. ${SERVED_WHEN}`,
        security: sandboxSecurity,
        params: ScriptParams,
        body: ScenarioScriptSchema,
        response: { 200: ScenarioScriptSchema, 400: SandboxErrorBody, 401: SandboxErrorBody },
      },
      config: { auth: "secretKey" },
    },
    async function registerScript(request) {
      const script = request.body;
      if (script.name !== request.params.name) throw new ApiError("INVALID_REQUEST", {}, "The body's name must be the path's name.");
      await controls.putScript(request.caller.customer.id, script);
      return script;
    },
  );

  app.get(
    "/sandbox/v1/:customerId/scripts/:name",
    {
      schema: {
        tags: ["Sandbox"],
        summary: "Read a registered scenario script",
        description: SERVED_WHEN,
        security: sandboxSecurity,
        params: ScriptParams,
        response: { 200: ScenarioScriptSchema, 401: SandboxErrorBody, 404: SandboxErrorBody },
      },
      config: { auth: "secretKey" },
    },
    async function readScript(request) {
      return controls.getScript(request.caller.customer.id, request.params.name);
    },
  );
}

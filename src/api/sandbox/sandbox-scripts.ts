import { Type } from "typebox";
import { loadScript, ScenarioScriptSchema, saveScript } from "../../connectors/sandbox/scenario-script.js";
import { catalogueScenario } from "../../connectors/sandbox/scenarios.js";
import { ApiError } from "../../errors/api-error.js";
import type { InstitutionMemories } from "../../logins/institution-memories.js";
import type { CallerAuth } from "../flinks/caller-auth.js";
import type { FlinksApp } from "../flinks/flinks-routes.js";
import { CustomerParams, SandboxErrorBody, SERVED_WHEN, sandboxSecurity } from "./sandbox-schemas.js";

/** Scripts are FlinksCapital users: they live in its memory, one set per customer. */
const SCRIPT_INSTITUTION = "FlinksCapital";

const ScriptParams = Type.Object({
  ...CustomerParams.properties,
  name: Type.String({ maxLength: 40, description: "The script's name (its username).", examples: ["acme_pet_question"] }),
});

/**
 * The control plane's scenario scripts (issue 5, docs/sandbox.md): a test registers a custom
 * FlinksCapital user — its steps, challenges, errors, latency and data seed — then logs in with
 * it like any catalogue user. Registering a name again replaces its script.
 */
export function registerSandboxScripts(app: FlinksApp, deps: { callerAuth: CallerAuth; memories: InstitutionMemories }): void {
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
    },
    async function registerScript(request) {
      const customer = await deps.callerAuth.withSecretKey(request);
      const script = request.body;
      if (script.name !== request.params.name) throw new ApiError("INVALID_REQUEST", {}, "The body's name must be the path's name.");
      if (catalogueScenario(script.name)) throw new ApiError("INVALID_REQUEST", {}, "That name is a catalogue user (docs/sandbox.md).");
      await saveScript(deps.memories.of(customer.id, SCRIPT_INSTITUTION), script);
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
    },
    async function readScript(request) {
      const customer = await deps.callerAuth.withSecretKey(request);
      const script = await loadScript(deps.memories.of(customer.id, SCRIPT_INSTITUTION), request.params.name.toLowerCase());
      if (!script) throw new ApiError("NOT_FOUND");
      return script;
    },
  );
}

import { Type } from "typebox";
import { ApiError } from "../../errors/api-error.js";
import type { CreatedSetupToken } from "../../sim/simplefin/setup-tokens.js";
import type { TypedApp } from "../api-services.js";
import { CustomerParams, SandboxErrorBody, SERVED_WHEN, sandboxSecurity } from "./sandbox-schemas.js";

export const SetupTokenBody = Type.Object({
  scenario: Type.Optional(
    Type.String({
      maxLength: 40,
      description: "The simulated person's scenario (docs/sandbox.md, SimpleFIN simulator): ok, revoked, pending_posts … (default ok).",
      examples: ["ok"],
    }),
  ),
});

export const SetupTokenReply = Type.Object({
  setupToken: Type.String({ description: "Paste it as the password of institution SimpleFINSandbox (or in the widget)." }),
  scenario: Type.String(),
});

/** POST /sandbox/v1/{customerId}/simplefin/setup-tokens: a fresh setup token of the built-in SimpleFIN simulator. */
export function registerSandboxSimpleFin(app: TypedApp, makeToken: (scenario?: string) => Promise<CreatedSetupToken>): void {
  app.post(
    "/sandbox/v1/:customerId/simplefin/setup-tokens",
    {
      schema: {
        tags: ["Sandbox"],
        summary: "Make a setup token of the SimpleFIN simulator",
        description: `A one-time SimpleFIN setup token whose claim URL is this server's own simulator (/sim/simplefin). ${SERVED_WHEN} Needs the simulators on (BANKGATE_SIMULATORS).`,
        security: sandboxSecurity,
        params: CustomerParams,
        body: SetupTokenBody,
        response: { 200: SetupTokenReply, 400: SandboxErrorBody, 401: SandboxErrorBody },
      },
      config: { auth: "secretKey" },
      // The body is optional: an absent one is an empty one.
      preValidation: async (request) => {
        request.body ??= {};
      },
    },
    async function makeSimpleFinSetupToken(request) {
      const created = await makeToken(request.body.scenario);
      if ("error" in created) throw new ApiError("INVALID_REQUEST", {}, `Invalid request: ${created.error}.`);
      return { setupToken: created.token, scenario: created.scenario };
    },
  );
}

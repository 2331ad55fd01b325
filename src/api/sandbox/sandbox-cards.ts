import { Type } from "typebox";
import { literalUnion } from "../../lib/literal-union.js";
import type { SandboxControls } from "../../logins/sandbox-controls.js";
import type { TypedApp } from "../api-services.js";
import { CustomerParams, SandboxErrorBody, SERVED_WHEN, sandboxSecurity } from "./sandbox-schemas.js";

const CardParams = Type.Object({
  ...CustomerParams.properties,
  loginId: Type.String({ maxLength: 64, description: "The card's LoginId.", examples: ["5e6a1b8c-6f1e-4c22-9d0a-0d1f6f4a2b11"] }),
});

const NEXT_FAILURES = ["INVALID_PASSWORD", "RETRY_LATER", "DISABLED_LOGIN", "NEW_ACCOUNT", "INVALID_LOGIN", "UNAUTHORIZED"] as const;

// No additionalProperties: false in union branches: Ajv's removeAdditional would strip one
// branch's fields while trying another.
export const NextRefresh = Type.Union(
  [
    Type.Object({ outcome: Type.Literal("authorized") }, { description: "In, without MFA." }),
    Type.Object(
      { outcome: Type.Literal("failed"), code: literalUnion(NEXT_FAILURES) },
      { description: "The bank refuses with this code." },
    ),
    Type.Object(
      {
        outcome: Type.Literal("challenge"),
        prompt: Type.String({ minLength: 1, maxLength: 200 }),
        answer: Type.String({ minLength: 1, maxLength: 200 }),
      },
      { description: "A QuestionAndAnswer the bank has never asked (stored answers do not know it)." },
    ),
  ],
  {
    examples: [
      { outcome: "challenge", prompt: "What is your pet's name?", answer: "Rex" },
      { outcome: "failed", code: "RETRY_LATER" },
    ],
  },
);

const CardReply = Type.Object({
  loginId: Type.String(),
  nextRefresh: Type.Union([NextRefresh, Type.Null()], { description: "What the card's next login will meet; null: its scenario." }),
});

/**
 * The sandbox control plane's cards: make a card's next live login (a refresh, a reconnect)
 * meet a chosen outcome, or reset what the sandbox bank remembers of its user so the next
 * login is like the first one (a trusted device asks for MFA again).
 */
export function registerSandboxCards(app: TypedApp, controls: SandboxControls): void {
  app.put(
    "/sandbox/v1/:customerId/cards/:loginId/next-refresh",
    {
      schema: {
        tags: ["Sandbox"],
        summary: "Force the outcome of a card's next live login",
        description: `The next live login of this card (a refresh, a Mid-Session Reconnect, the nightly refresh) meets this outcome instead of its scenario, once. ${SERVED_WHEN}`,
        security: sandboxSecurity,
        params: CardParams,
        body: NextRefresh,
        response: { 200: CardReply, 400: SandboxErrorBody, 401: SandboxErrorBody },
      },
      config: { auth: "secretKey" },
    },
    async function forceNextRefresh(request) {
      const card = await controls.forceNextRefresh(request.caller.customer.id, request.params.loginId, request.body);
      return { loginId: card.id, nextRefresh: request.body };
    },
  );

  app.post(
    "/sandbox/v1/:customerId/cards/:loginId/reset",
    {
      schema: {
        tags: ["Sandbox"],
        summary: "Reset what the sandbox bank remembers of a card's user",
        description: `Forgets the trusted device, failed attempts, a bank lock, a changed password and any forced outcome: the next live login is like the first (trusted_device asks for MFA again). The card itself and its data stay. ${SERVED_WHEN}`,
        security: sandboxSecurity,
        params: CardParams,
        response: { 200: CardReply, 400: SandboxErrorBody, 401: SandboxErrorBody },
      },
      config: { auth: "secretKey" },
    },
    async function resetCard(request) {
      const card = await controls.resetCard(request.caller.customer.id, request.params.loginId);
      return { loginId: card.id, nextRefresh: null };
    },
  );
}

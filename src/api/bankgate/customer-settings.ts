import { Type } from "typebox";
import { canonicalizeBody } from "../../wire/flinks/canonical-body.js";
import type { ApiServices, TypedApp } from "../api-services.js";

const Params = Type.Object({ customerId: Type.String() });
export const SettingsBody = Type.Object(
  {
    StoreMfaAnswers: Type.Optional(
      Type.Boolean({ description: "Keep accepted answers to QuestionAndAnswer prompts (encrypted, per card) for nightly refreshes." }),
    ),
  },
  { minProperties: 1 },
);
export const SettingsReply = Type.Object({ HttpStatusCode: Type.Literal(200), StoreMfaAnswers: Type.Boolean() });

/**
 * GET and PUT /bankgate/v1/{customerId}/settings: the customer's own switches (today: whether
 * accepted MFA answers are kept, on by default). Secret key in `flinks-auth-key`, like the
 * other operator endpoints.
 */
export function registerCustomerSettings(app: TypedApp, services: ApiServices): void {
  const reply = (settings: { storeMfaAnswers: boolean }) => ({ HttpStatusCode: 200 as const, StoreMfaAnswers: settings.storeMfaAnswers });
  app.get(
    "/bankgate/v1/:customerId/settings",
    {
      schema: { tags: ["Operators"], summary: "The customer's settings", params: Params, response: { 200: SettingsReply } },
      config: { auth: "secretKey" },
    },
    async function readSettings(request) {
      return reply(await services.customerSettings.read(request.caller.customer.id));
    },
  );
  app.put(
    "/bankgate/v1/:customerId/settings",
    {
      schema: {
        tags: ["Operators"],
        summary: "Change the customer's settings (fields left out are kept)",
        params: Params,
        body: SettingsBody,
        response: { 200: SettingsReply },
      },
      preValidation: canonicalizeBody(SettingsBody),
      config: { auth: "secretKey" },
    },
    async function updateSettings(request) {
      const { StoreMfaAnswers } = request.body;
      return reply(await services.customerSettings.update(request.caller.customer.id, { storeMfaAnswers: StoreMfaAnswers }));
    },
  );
}

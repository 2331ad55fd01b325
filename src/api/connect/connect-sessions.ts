import { Type } from "typebox";
import { ApiError } from "../../errors/api-error.js";
import { resumePendingBody, tokenBody } from "../../wire/flinks/authorize-replies.js";
import { parseRequestId } from "../../wire/flinks/ids.js";
import type { ApiServices, TypedApp } from "../api-services.js";
import { replyToAuthorize } from "../flinks/authorize-reply.js";
import { readCard, replyPending } from "../flinks/data-polls.js";

const Params = Type.Object({ customerId: Type.String(), requestId: Type.String() });
const CustomerParams = Type.Object({ customerId: Type.String() });
const Guid = Type.String({ maxLength: 64 });

const SelectionBody = Type.Object({
  accountIds: Type.Array(Guid, { minItems: 1, maxItems: 100, description: "AccountIds of the session's card." }),
});

const AccountChoice = Type.Object({
  id: Type.String(),
  title: Type.String(),
  type: Type.String(),
  category: Type.String(),
  currency: Type.String(),
  lastFourDigits: Type.String({ description: "The last four digits of the account number, to tell accounts apart." }),
  balance: Type.Object({ available: Type.Union([Type.Number(), Type.Null()]), current: Type.Union([Type.Number(), Type.Null()]) }),
});

const tags = ["Connect widget"];
const security: Array<Record<string, string[]>> = [{ authKey: [] }, { apiKey: [] }];

/**
 * The endpoints the Connect widget needs beyond the Flinks surface, under
 * /connect/api/v1/{customerId}. The browser proves itself with the authorize token of its
 * URL (`authorizeToken` → `flinks-auth-key`), bound to one session as on /Authorize; the
 * state always comes from the server, never from browser storage (Resume).
 */
export function registerConnectSessions(app: TypedApp, services: ApiServices): void {
  app.get(
    "/connect/api/v1/:customerId/sessions/:requestId",
    {
      schema: {
        tags,
        security,
        params: Params,
        summary: "Resume a session: where a RequestId stands, as /Authorize would answer it",
        description:
          "Answers exactly what /Authorize answers for the RequestId alone (203 with the pending challenges, 200 once " +
          "authorized, the session's error), or 202 while a step is at the institution. A token the app issued for this " +
          "page load is bound to the session here (Resume in another tab or browser, Mid-Session Reconnect started with " +
          "the API key). Counts as activity.",
      },
      config: { auth: "caller" },
    },
    async function resumeSession(request, reply) {
      const customerId = request.caller.customer.id;
      const requestId = parseRequestId(request.params.requestId);
      // Checked before a fresh token is bound: a token is not spent on a dead or foreign id.
      await services.callerAuth.adoptTokenFor(request.caller, requestId, () =>
        services.authorize.assertContinuable(customerId, request.caller.scope, requestId),
      );
      try {
        return replyToAuthorize(
          reply,
          await services.authorize.continue(customerId, request.caller.scope, requestId, {}, "inline"),
          services.connectors,
        );
      } catch (error) {
        // A login or answer is at the institution right now (an /AuthorizeAsync reconnect the
        // app handed over early): the widget polls until it is settled.
        if (!(error instanceof ApiError) || error.code !== "SESSION_BUSY") throw error;
        return reply.code(202).send(resumePendingBody(requestId));
      }
    },
  );

  app.post(
    "/connect/api/v1/:customerId/tokens/renew",
    {
      schema: {
        tags,
        security: [{ authKey: [] }],
        params: CustomerParams,
        summary: "Trade a spent authorize token for a fresh one after its session failed or expired",
        description:
          'The widget\'s "start again" after a wrong password, an exhausted MFA session or an expired RequestId: the ' +
          "token in `flinks-auth-key` must be bound to a session that ended without authorization. It dies and a new, " +
          "unused token with the same expiry is answered, so the page's lifetime never grows. An unused token is " +
          "answered as is.",
      },
      config: { auth: "caller" },
    },
    async function renewToken(request) {
      const presented = String(request.headers["flinks-auth-key"] ?? "");
      return tokenBody(await services.tokenRenewal.renew(request.caller, presented));
    },
  );

  app.get(
    "/connect/api/v1/:customerId/sessions/:requestId/accounts",
    {
      schema: {
        tags,
        security,
        params: Params,
        summary: "The accounts of an authorized session's card, for the account selector",
        description:
          "Every account of the card (not narrowed by an earlier selection: the end user is choosing again) and the " +
          "selection remembered on the card. Waits for the aggregation like /GetAccountsSummary; 202 while it runs.",
        response: { 200: Type.Object({ accounts: Type.Array(AccountChoice), selectedAccountIds: Type.Array(Type.String()) }) },
      },
      config: { auth: "caller" },
    },
    async function listAccountChoices(request, reply) {
      const read = await readCard(services, request.caller, request.params.requestId, "wait");
      if (read.kind === "pending") return replyPending(reply, read, "GetAccountsSummaryAsync");
      const { snapshot, login } = read.data;
      return {
        accounts: snapshot.accounts.map((a) => ({
          id: a.id,
          title: a.title,
          type: a.type,
          category: a.category,
          currency: a.currency,
          lastFourDigits: a.accountNumber.slice(-4),
          balance: { available: a.balance.available, current: a.balance.current },
        })),
        selectedAccountIds: login.selectedAccountIds ?? [],
      };
    },
  );

  app.put(
    "/connect/api/v1/:customerId/sessions/:requestId/accounts",
    {
      schema: {
        tags,
        security,
        params: Params,
        body: SelectionBody,
        summary: "Save the end user's account selection on the session's card",
        description:
          "The account selector's choice, or `resumeSelectedAccounts` on a reconnect: from then on /GetAccountsDetail, " +
          "/GetAccountsSummary and /GetStatements on this card return only these accounts.",
        response: { 200: Type.Object({ selectedAccountIds: Type.Array(Type.String()) }) },
      },
      config: { auth: "caller" },
    },
    async function saveAccountSelection(request) {
      const requestId = parseRequestId(request.params.requestId);
      await services.callerAuth.assertTokenFor(request.caller, requestId);
      const customerId = request.caller.customer.id;
      return {
        selectedAccountIds: await services.cardData.saveAccountSelection(
          customerId,
          request.caller.scope,
          requestId,
          request.body.accountIds,
        ),
      };
    },
  );
}

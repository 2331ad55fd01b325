import { Type } from "typebox";
import { ApiError } from "../../errors/api-error.js";
import type { Clock } from "../../lib/clock.js";
import { newRandomId, sha256Hex } from "../../lib/ids.js";
import { isExpired } from "../../sessions/transitions.js";
import type { Storage } from "../../storage/storage.js";
import { parseRequestId, respondAuthorize } from "../flinks/authorize.js";
import { pendingReply, readCard } from "../flinks/card-data-replies.js";
import type { FlinksApp, FlinksServices } from "../flinks/flinks-routes.js";

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

export interface ConnectSessionsDeps {
  services: FlinksServices;
  storage: Storage;
  clock: Clock;
}

/**
 * The endpoints the Connect widget needs beyond the Flinks surface, under
 * /connect/api/v1/{customerId}. The browser proves itself with the authorize token of its
 * URL (`authorizeToken` → `flinks-auth-key`), bound to one session as on /Authorize; the
 * state always comes from the server, never from browser storage (Resume, seed 000).
 */
export function registerConnectSessions(app: FlinksApp, deps: ConnectSessionsDeps): void {
  const { services } = deps;

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
    },
    async function resumeSession(request, reply) {
      const caller = await services.callerAuth.caller(request);
      const requestId = parseRequestId(request.params.requestId);
      // Checked before a fresh token is bound: a token is not spent on a dead or foreign id.
      const session = await deps.storage.sessions.find(caller.customer.id, requestId);
      if (!session) throw new ApiError("SESSION_NONEXISTENT");
      if (isExpired(session, deps.clock.now())) throw new ApiError("SESSION_EXPIRED", { requestId: requestId });
      await services.callerAuth.adoptTokenFor(caller, requestId);
      try {
        return respondAuthorize(reply, await services.authorize.continue(caller.customer.id, requestId, {}, "sync"), services);
      } catch (error) {
        // A login or answer is at the institution right now (an /AuthorizeAsync reconnect the
        // app handed over early): the widget polls until it is settled.
        if (!(error instanceof ApiError) || error.code !== "SESSION_BUSY") throw error;
        return reply.code(202).send({ HttpStatusCode: 202, FlinksCode: "OPERATION_PENDING", RequestId: requestId });
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
    },
    async function renewToken(request) {
      const caller = await services.callerAuth.caller(request);
      if (caller.proof.kind !== "token") throw new ApiError("ACCESS_DENIED");
      const presented = request.headers["flinks-auth-key"] as string;
      const now = deps.clock.now();
      const { tokenHash } = caller.proof;
      const customerId = caller.customer.id;
      const boundTo = await deps.storage.authorizeTokens.boundRequestId(tokenHash, customerId, now);
      if (boundTo === undefined) throw new ApiError("ACCESS_DENIED");
      if (boundTo === null) return { HttpStatusCode: 200, Token: presented };
      const session = await deps.storage.sessions.find(customerId, boundTo);
      const ended = !session || isExpired(session, now) || session.state === "failed";
      if (!ended) {
        throw new ApiError("INVALID_REQUEST", { requestId: boundTo }, "The token's session is still open: resume it with its RequestId.");
      }
      const token = newRandomId();
      if (!(await deps.storage.authorizeTokens.renew(tokenHash, customerId, boundTo, sha256Hex(token), now))) {
        throw new ApiError("ACCESS_DENIED");
      }
      return { HttpStatusCode: 200, Token: token };
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
    },
    async function listAccountChoices(request, reply) {
      const read = await readCard(services, request, request.params.requestId, "sync");
      if (read.kind === "pending") return pendingReply(reply, read, "GetAccountsSummaryAsync");
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
    },
    async function saveAccountSelection(request) {
      const caller = await services.callerAuth.caller(request);
      const requestId = parseRequestId(request.params.requestId);
      await services.callerAuth.assertTokenFor(caller, requestId);
      const selectedAccountIds = await services.cardData.saveAccountSelection(caller.customer.id, requestId, request.body.accountIds);
      return { selectedAccountIds };
    },
  );
}

import type { Caller } from "../../customers/caller-auth.js";
import { ApiError } from "../../errors/api-error.js";
import { newTimeOrderedId } from "../../lib/ids.js";
import type { SessionOpening } from "../../sessions/authorize-outcome.js";
import type { StepDelivery } from "../../sessions/flow-deps.js";
import type { InstitutionTime } from "../../sessions/step-runner.js";
import { AuthorizeBody, answersOf, liveLoginOf } from "../../wire/flinks/authorize-request.js";
import { canonicalizeBody } from "../../wire/flinks/canonical-body.js";
import { parseLoginId, parseRequestId } from "../../wire/flinks/ids.js";
import type { ApiServices } from "../api-services.js";
import { institutionTimeOf, sendServerTiming } from "../plumbing/server-timing.js";
import { replyToAuthorize } from "./authorize-reply.js";
import type { FlinksRoutes } from "./flinks-routes.js";

/**
 * POST /Authorize: live login, MFA answers, cached sessions and live refreshes of saved
 * cards, each institution call made inline. POST /AuthorizeAsync: the same calls, queued:
 * 202 with the RequestId at once, then the same body with only the RequestId polls for
 * 202 / 203 / 200.
 */
export function registerAuthorize({ app, services, hidden }: FlinksRoutes): void {
  const canonicalize = canonicalizeBody(AuthorizeBody);
  const routes = [
    { url: "/Authorize", delivery: "inline", summary: "Open or continue a session" },
    {
      url: "/AuthorizeAsync",
      delivery: "queued",
      summary: "Open or continue a session; the institution is called in the background (202, then poll)",
    },
  ] as const;
  for (const { url, delivery, summary } of routes) {
    app.post(
      url,
      {
        schema: { hide: hidden, tags: ["Authorize"], summary, body: AuthorizeBody },
        preValidation: canonicalize,
        onSend: sendServerTiming,
        config: { auth: "caller" },
      },
      async function authorize(request, reply) {
        const { body, caller } = request;
        const time = institutionTimeOf(request);
        const outcome = await (body.RequestId !== undefined
          ? continueSession(caller, body, services, delivery, time)
          : openSession(caller, body, services, delivery, time));
        return replyToAuthorize(reply, outcome, services.connectors);
      },
    );
  }
}

async function continueSession(caller: Caller, body: AuthorizeBody, services: ApiServices, delivery: StepDelivery, time: InstitutionTime) {
  const requestId = parseRequestId(body.RequestId ?? "");
  // The session's own token, or a fresh one of the customer's, which this call binds to it.
  await services.callerAuth.adoptTokenFor(caller, requestId, () =>
    services.authorize.assertContinuable(caller.customer.id, caller.scope, requestId),
  );
  return services.authorize.continue(caller.customer.id, caller.scope, requestId, answersOf(body.SecurityResponses), delivery, time);
}

async function openSession(caller: Caller, body: AuthorizeBody, services: ApiServices, delivery: StepDelivery, time: InstitutionTime) {
  const credentials = liveLoginOf(body);
  if (body.LoginId === undefined && !credentials) {
    throw new ApiError("INVALID_REQUEST", {}, "Send a RequestId, a LoginId, or Institution, Username and Password.");
  }
  const requestId = newTimeOrderedId();
  await services.callerAuth.consumeTokenFor(caller, requestId);
  const opening: SessionOpening = {
    customerId: caller.customer.id,
    scope: caller.scope,
    requestId,
    authorizeTokenHash: caller.proof.kind === "token" ? caller.proof.tokenHash : null,
    tag: body.Tag ?? null,
    scheduleRefresh: body.ScheduleRefresh ?? false,
  };
  if (body.LoginId !== undefined) {
    const loginId = parseLoginId(body.LoginId);
    // Omitted MostRecentCached with a LoginId means cached: never a billable bank call by accident.
    return body.MostRecentCached === false
      ? services.authorize.startRefresh(opening, loginId, delivery, time)
      : services.authorize.startCached(opening, loginId);
  }
  if (!credentials) throw new ApiError("INVALID_REQUEST");
  return body.MostRecentCached === true
    ? services.authorize.startCachedWithCredentials(opening, credentials)
    : services.authorize.startLive(opening, credentials, delivery, time);
}

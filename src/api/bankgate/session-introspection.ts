import { type Static, Type } from "typebox";
import type { SessionSummary as Summary } from "../../sessions/session-inspector.js";
import { parseRequestId } from "../../wire/flinks/ids.js";
import type { ApiServices, TypedApp } from "../api-services.js";

const Params = Type.Object({ customerId: Type.String(), requestId: Type.String() });

const Challenge = Type.Object({ type: Type.String(), prompt: Type.String(), iterables: Type.Optional(Type.Array(Type.String())) });
const JobStatus = Type.Object({
  kind: Type.String(),
  state: Type.String({ description: "queued | running | done | failed" }),
  attempts: Type.Integer(),
  runAt: Type.String({ format: "date-time" }),
  lastError: Type.Union([Type.String(), Type.Null()]),
});
/** Where a session stands, without its answers, credentials or connector state (also the sandbox's session list). */
export const SessionSummary = Type.Object({
  requestId: Type.String(),
  state: Type.String({ description: "connecting | challenged | answering | authorized | failed" }),
  mode: Type.String({ description: "live | cached | nightly" }),
  institution: Type.String(),
  loginId: Type.Union([Type.String(), Type.Null()]),
  pendingChallenges: Type.Array(Challenge, { description: "Prompts waiting for an answer; answers are never shown." }),
  attemptsLeft: Type.Integer(),
  errorCode: Type.Union([Type.String(), Type.Null()]),
  expired: Type.Boolean(),
  createdAt: Type.String({ format: "date-time" }),
  lastActivityAt: Type.String({ format: "date-time" }),
  expiresAt: Type.String({ format: "date-time" }),
  absoluteExpiresAt: Type.String({ format: "date-time" }),
});

export const SessionView = Type.Object({
  ...SessionSummary.properties,
  aggregation: Type.Union([JobStatus, Type.Null()], { description: "The card's latest aggregation job." }),
});

/**
 * GET /bankgate/v1/{customerId}/sessions/{requestId}: where a RequestId stands, for
 * operators and support (never answers, credentials or connector state). API key only.
 */
export function registerSessionIntrospection(app: TypedApp, services: ApiServices): void {
  app.get(
    "/bankgate/v1/:customerId/sessions/:requestId",
    {
      schema: { tags: ["Operators"], summary: "Inspect a session (RequestId)", params: Params, response: { 200: SessionView } },
      config: { auth: "apiKey" },
    },
    async function inspectSession(request) {
      const requestId = parseRequestId(request.params.requestId);
      const { aggregation: job, ...summary } = await services.sessionInspector.inspect(request.caller.customer.id, requestId);
      return {
        ...sessionSummaryView(summary),
        aggregation: job
          ? { kind: job.kind, state: job.state, attempts: job.attempts, runAt: job.runAt.toISOString(), lastError: job.lastError }
          : null,
      };
    },
  );
}

export function sessionSummaryView({ session, expired }: Summary): Static<typeof SessionSummary> {
  return {
    requestId: session.requestId,
    state: session.state,
    mode: session.mode,
    institution: session.institution,
    loginId: session.loginId,
    pendingChallenges: session.state === "challenged" ? (session.challenges ?? []) : [],
    attemptsLeft: session.attemptsLeft,
    errorCode: session.errorCode,
    expired,
    createdAt: session.createdAt.toISOString(),
    lastActivityAt: session.lastActivityAt.toISOString(),
    expiresAt: session.expiresAt.toISOString(),
    absoluteExpiresAt: session.absoluteExpiresAt.toISOString(),
  };
}

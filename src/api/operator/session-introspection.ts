import { type Static, Type } from "typebox";
import { ApiError } from "../../errors/api-error.js";
import { singletonKeys } from "../../queue/job-kinds.js";
import type { JobQueue } from "../../queue/job-queue.js";
import type { Session } from "../../records/session.js";
import type { Storage } from "../../storage/storage.js";
import { parseRequestId } from "../flinks/authorize.js";
import type { CallerAuth } from "../flinks/caller-auth.js";
import type { FlinksApp } from "../flinks/flinks-routes.js";

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
  mode: Type.String({ description: "live | cached" }),
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

const SessionView = Type.Object({
  ...SessionSummary.properties,
  aggregation: Type.Union([JobStatus, Type.Null()], { description: "The card's latest aggregation job." }),
});

/**
 * GET /bankgate/v1/{customerId}/sessions/{requestId}: where a RequestId stands, for
 * operators and support (never answers, credentials or connector state). API key only.
 */
export function registerSessionIntrospection(
  app: FlinksApp,
  deps: { callerAuth: CallerAuth; storage: Storage; jobs: JobQueue; now(): Date },
): void {
  app.get(
    "/bankgate/v1/:customerId/sessions/:requestId",
    {
      schema: {
        tags: ["Operators"],
        summary: "Inspect a session (RequestId)",
        params: Params,
        response: { 200: SessionView },
      },
    },
    async function inspectSession(request) {
      const caller = await deps.callerAuth.caller(request);
      if (caller.proof.kind !== "apiKey") throw new ApiError("ACCESS_DENIED");
      const session = await deps.storage.sessions.find(caller.customer.id, parseRequestId(request.params.requestId));
      if (!session) throw new ApiError("SESSION_NONEXISTENT");
      const job = session.loginId ? await deps.jobs.findLatest(singletonKeys.aggregation(session.loginId)) : undefined;
      return {
        ...summarizeSession(session, deps.now()),
        aggregation: job
          ? { kind: job.kind, state: job.state, attempts: job.attempts, runAt: job.runAt.toISOString(), lastError: job.lastError }
          : null,
      };
    },
  );
}

export function summarizeSession(session: Session, now: Date): Static<typeof SessionSummary> {
  return {
    requestId: session.requestId,
    state: session.state,
    mode: session.mode,
    institution: session.institution,
    loginId: session.loginId,
    pendingChallenges: session.state === "challenged" ? (session.challenges ?? []) : [],
    attemptsLeft: session.attemptsLeft,
    errorCode: session.errorCode,
    expired: now >= session.expiresAt,
    createdAt: session.createdAt.toISOString(),
    lastActivityAt: session.lastActivityAt.toISOString(),
    expiresAt: session.expiresAt.toISOString(),
    absoluteExpiresAt: session.absoluteExpiresAt.toISOString(),
  };
}

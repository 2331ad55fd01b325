import { Type } from "typebox";
import { ApiError } from "../../errors/api-error.js";
import { type ErrorCode, wireFlinksCode } from "../../errors/catalog.js";
import { looseKey } from "./canonical-body.js";
import { flinksTimestamp } from "./wire-format.js";

/** Card management: DeleteCard, SetScheduledRefresh, GetNightlyRefreshStatus, stored MFA answers. */

export const LoginIdParams = Type.Object({ customerId: Type.String(), loginId: Type.String() });

/**
 * Flinks' example body (`StatusCode`, `Message`:
 * https://docs.flinks.com/api/connect/endpoints/account-linking/delete-card), and `HttpStatusCode`
 * after them, which every other bankgate answer carries and clients branch on.
 */
export function deleteCardBody(loginId: string) {
  return { StatusCode: 200, Message: `All of the information about LoginId ${loginId} has been removed`, HttpStatusCode: 200 };
}

export const SetScheduledRefreshBody = Type.Object({
  LoginId: Type.Optional(Type.String({ maxLength: 64 })),
  IsActivated: Type.Optional(Type.Boolean({ description: "true: refresh this card every night; false: stop (and stop paying for it)." })),
});

export const SetScheduledRefreshQuery = Type.Object({
  login_id: Type.Optional(Type.String({ maxLength: 64, description: "The Ruby client sends LoginId in the query string." })),
  is_activated: Type.Optional(Type.String({ maxLength: 8, description: "The Ruby client's IsActivated (true/false)." })),
});

/**
 * LoginId and IsActivated from the body, or from the query string where the Ruby client puts
 * them (`login_id`, `is_activated`) with an empty body.
 */
export function scheduledRefreshRequestOf(
  body: { LoginId?: string; IsActivated?: boolean } | undefined,
  query: Record<string, string | undefined>,
): { rawLoginId: string; activated: boolean } {
  const loose = Object.fromEntries(Object.entries(query).map(([key, value]) => [looseKey(key), value]));
  const rawLoginId = body?.LoginId ?? loose.loginid;
  const activated = body?.IsActivated ?? booleanOf(loose.isactivated);
  if (rawLoginId === undefined) throw new ApiError("INVALID_REQUEST", {}, "LoginId is required.");
  if (activated === undefined) throw new ApiError("INVALID_REQUEST", {}, "IsActivated must be true or false.");
  return { rawLoginId, activated };
}

/** SetScheduledRefresh answers a bare JSON string. */
export function scheduledRefreshMessage(loginId: string, activated: boolean): string {
  return `LoginId ${loginId} has now been ${activated ? "activated" : "deactivated"} for automatic refresh`;
}

function booleanOf(raw: string | undefined): boolean | undefined {
  const lowered = raw?.trim().toLowerCase();
  return lowered === "true" ? true : lowered === "false" ? false : undefined;
}

const Nullable = <T extends ReturnType<typeof Type.String>>(schema: T) => Type.Union([schema, Type.Null()]);

export const NightlyRefreshStatusReply = Type.Object({
  HttpStatusCode: Type.Literal(200),
  IneligibleCards: Type.Array(
    Type.Object({
      LoginId: Type.String(),
      LastRefreshDate: Nullable(Type.String({ examples: ["2026-01-21T05:00:01.1450000"] })),
      LastRefreshState: Nullable(Type.String({ description: "Completed, Authenticating, AnsweringSecurityChallenge or Aggregating." })),
      LastRefreshErrorCode: Nullable(Type.String({ examples: ["QUESTION_NOT_FOUND"] })),
    }),
  ),
});

/** Error codes go out as the FlinksCode every other answer carries for them (ATTEMPTS_LOCKED is TOO_MANY_REQUESTS). */
export function nightlyRefreshStatusBody(
  cards: ReadonlyArray<{
    loginId: string;
    lastRefreshDate: Date | null;
    lastRefreshState: string | null;
    lastRefreshErrorCode: ErrorCode | null;
  }>,
) {
  return {
    HttpStatusCode: 200 as const,
    IneligibleCards: cards.map((card) => ({
      LoginId: card.loginId,
      LastRefreshDate: card.lastRefreshDate && flinksTimestamp(card.lastRefreshDate),
      LastRefreshState: card.lastRefreshState,
      LastRefreshErrorCode: card.lastRefreshErrorCode && wireFlinksCode(card.lastRefreshErrorCode),
    })),
  };
}

export const MfaQuestionsReply = Type.Object({
  HttpStatusCode: Type.Literal(200),
  Message: Type.Literal("SUCCESS"),
  Questions: Type.Array(Type.Object({ Question: Type.String() })),
});

export function mfaQuestionsBody(questions: readonly string[]) {
  return { HttpStatusCode: 200 as const, Message: "SUCCESS" as const, Questions: questions.map((Question) => ({ Question })) };
}

export const AnswerMfaQuestionsBody = Type.Object({
  LoginId: Type.String({ maxLength: 64 }),
  Questions: Type.Array(
    Type.Object({
      Question: Type.String({ minLength: 1, maxLength: 1024, examples: ["What shape do people like most?"] }),
      Answer: Type.String({ minLength: 1, maxLength: 1024, examples: ["Triangle"] }),
    }),
    { minItems: 1, maxItems: 50 },
  ),
});

export const AnswerMfaQuestionsReply = Type.Object({ HttpStatusCode: Type.Literal(200), Message: Type.Literal("Answers updated") });

export const ANSWER_MFA_QUESTIONS_BODY = { HttpStatusCode: 200 as const, Message: "Answers updated" as const };

export const AuthorizeMultipleBody = Type.Object({
  LoginIds: Type.Array(Type.String({ maxLength: 64 }), { minItems: 1, maxItems: 100 }),
  MostRecentCached: Type.Optional(Type.Boolean({ description: "Only cached mode (true, the default) is offered." })),
});

export const AuthorizeMultipleReply = Type.Object({
  HttpStatusCode: Type.Literal(200),
  ValidLoginIds: Type.Array(Type.Object({ LoginId: Type.String(), RequestId: Type.String() })),
  InvalidLoginIds: Type.Array(Type.Object({ LoginId: Type.String() })),
});

import type { Static } from "typebox";
import type { ErrorHttpStatus, FlinksCode } from "../errors/catalog.js";
import type { AuthorizeBody } from "../wire/flinks/authorize-request.js";
import type {
  AnswerMfaQuestionsBody,
  AnswerMfaQuestionsReply,
  AuthorizeMultipleBody,
  AuthorizeMultipleReply,
  MfaQuestionsReply,
  NightlyRefreshStatusReply,
} from "../wire/flinks/card-management.js";
import type { GetAccountsDetailBody, GetAccountsSummaryBody, GetStatementsBody } from "../wire/flinks/data-requests.js";
import type {
  AccountsDetailReply,
  AccountsSummaryReply,
  AuthorizedReply,
  AuthorizePendingReply,
  ChallengedReply,
  DataPendingReply,
  DeleteCardReply,
  errorReplySchema,
  StatementsReply,
  TokenReply,
} from "../wire/flinks/reply-schemas.js";

/**
 * The request and answer types of the Flinks operations, each derived with `Static` from the
 * TypeBox schema the route validates with and the OpenAPI document publishes
 * (src/wire/flinks/, src/api/openapi/operation-table.ts): nothing here is copied by hand, so
 * the client cannot drift from the server. Type-only imports: none of it exists at runtime.
 */

export type { FlinksCode };

/** Every error answer: the Flinks error envelope, its HttpStatusCode one of the catalogue's error statuses. */
export type FlinksErrorAnswer = Omit<Static<ReturnType<typeof errorReplySchema>>, "HttpStatusCode" | "FlinksCode"> & {
  HttpStatusCode: ErrorHttpStatus;
  FlinksCode: FlinksCode;
};

export type AuthorizeRequest = Static<typeof AuthorizeBody>;
export type GetAccountsDetailRequest = Static<typeof GetAccountsDetailBody>;
export type GetAccountsSummaryRequest = Static<typeof GetAccountsSummaryBody>;
export type GetStatementsRequest = Static<typeof GetStatementsBody>;
export type AuthorizeMultipleRequest = Static<typeof AuthorizeMultipleBody>;
export type AnswerMfaQuestionsRequest = Static<typeof AnswerMfaQuestionsBody>;

export type Authorized = Static<typeof AuthorizedReply>;
export type Challenged = Static<typeof ChallengedReply>;
export type AuthorizePending = Static<typeof AuthorizePendingReply>;
export type DataPending = Static<typeof DataPendingReply>;
export type AccountsDetail = Static<typeof AccountsDetailReply>;
export type AccountsSummary = Static<typeof AccountsSummaryReply>;
export type Statements = Static<typeof StatementsReply>;
export type SecurityChallenge = Challenged["SecurityChallenges"][number];

/** /Authorize: 200 authorized, 203 security challenges, or an error. */
export type AuthorizeAnswer = Authorized | Challenged | FlinksErrorAnswer;
/** /AuthorizeAsync: the same, or 202 while the institution is being contacted. */
export type AuthorizeAsyncAnswer = AuthorizeAnswer | AuthorizePending;
export type TokenAnswer = Static<typeof TokenReply> | FlinksErrorAnswer;
export type AccountsDetailAnswer = AccountsDetail | DataPending | FlinksErrorAnswer;
export type AccountsSummaryAnswer = AccountsSummary | DataPending | FlinksErrorAnswer;
export type StatementsAnswer = Statements | DataPending | FlinksErrorAnswer;
export type DeleteCardAnswer = Static<typeof DeleteCardReply> | FlinksErrorAnswer;
export type AuthorizeMultipleAnswer = Static<typeof AuthorizeMultipleReply> | FlinksErrorAnswer;
export type NightlyRefreshStatusAnswer = Static<typeof NightlyRefreshStatusReply> | FlinksErrorAnswer;
export type MfaQuestionsAnswer = Static<typeof MfaQuestionsReply> | FlinksErrorAnswer;
export type AnswerMfaQuestionsAnswer = Static<typeof AnswerMfaQuestionsReply> | FlinksErrorAnswer;
/**
 * /SetScheduledRefresh answers a bare JSON string (as Flinks does): the client gives it as
 * `Message` beside the HTTP status, so that this answer too is a union on HttpStatusCode.
 */
export type ScheduledRefreshAnswer = { HttpStatusCode: 200; Message: string } | FlinksErrorAnswer;

/** An answer minus its 202: what the polling methods end with. */
export type Settled<T> = Exclude<T, { HttpStatusCode: 202 }>;

/** Any Flinks answer: true when it is an error (narrows to FlinksErrorAnswer). */
export function isFlinksError(answer: { HttpStatusCode: number }): answer is FlinksErrorAnswer {
  return answer.HttpStatusCode >= 400;
}

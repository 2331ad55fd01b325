import { type TSchema, Type } from "typebox";
import type { ErrorCode } from "../../errors/catalog.js";
import {
  AccountsDetailReply,
  AccountsSummaryReply,
  AuthorizedReply,
  AuthorizePendingReply,
  ChallengedReply,
  DataPendingReply,
  DeleteCardReply,
  ResumePendingReply,
  StatementsReply,
  TokenReply,
} from "../../wire/flinks/reply-schemas.js";
import { AUTHORIZE_FLOW, CARD_LOOKUP, DATA_READ, STORE_FAULT } from "./error-groups.js";

/** A non-JSON answer: its media type and body schema. */
export interface MediaAnswer {
  mediaType: string;
  schema: TSchema;
  example: string;
}

/** What the OpenAPI document says of one operation beyond its route's own schema. */
export interface OperationDoc {
  operationId: string;
  /** Success bodies by status; a status the route schema also declares takes this one. */
  responses?: Readonly<Record<number, TSchema | MediaAnswer>>;
  /**
   * The error codes of this operation beyond those every route may answer and those of its
   * route auth (document-route.ts adds both): groups from error-groups.ts and single codes.
   */
  errors?: readonly ErrorCode[];
}

const FLINKS = "/v3/:customerId/BankingServices";
const AUTHORIZE_ANSWERS = { 200: AuthorizedReply, 203: ChallengedReply };
const DETAIL = { 200: AccountsDetailReply, 202: DataPendingReply };
const SUMMARY = { 200: AccountsSummaryReply, 202: DataPendingReply };
const STATEMENTS = { 200: StatementsReply, 202: DataPendingReply };
const DemoTokenReply = Type.Object({ customerId: Type.String(), token: Type.String() });

/**
 * Every documented route, by `METHOD url` (the Fastify url, with `:params`): its operationId
 * (the Flinks operation name for the Flinks surface) and what it answers. A documented route
 * missing here fails the OpenAPI document (document-route.ts throws).
 */
export const OPERATION_TABLE: Readonly<Record<string, OperationDoc>> = {
  [`POST ${FLINKS}/GenerateAuthorizeToken`]: { operationId: "GenerateAuthorizeToken", responses: { 200: TokenReply } },
  [`POST ${FLINKS}/Authorize`]: { operationId: "Authorize", responses: AUTHORIZE_ANSWERS, errors: AUTHORIZE_FLOW },
  [`POST ${FLINKS}/AuthorizeAsync`]: {
    operationId: "AuthorizeAsync",
    responses: { ...AUTHORIZE_ANSWERS, 202: AuthorizePendingReply },
    errors: AUTHORIZE_FLOW,
  },
  [`POST ${FLINKS}/AuthorizeMultiple`]: { operationId: "AuthorizeMultiple" },
  [`POST ${FLINKS}/GetAccountsDetail`]: { operationId: "GetAccountsDetail", responses: DETAIL, errors: DATA_READ },
  [`POST ${FLINKS}/GetAccountsSummary`]: { operationId: "GetAccountsSummary", responses: SUMMARY, errors: DATA_READ },
  [`GET ${FLINKS}/GetAccountsDetailAsync/:requestId`]: { operationId: "GetAccountsDetailAsync", responses: DETAIL, errors: DATA_READ },
  [`GET ${FLINKS}/GetAccountsSummaryAsync/:requestId`]: { operationId: "GetAccountsSummaryAsync", responses: SUMMARY, errors: DATA_READ },
  [`POST ${FLINKS}/GetStatements`]: { operationId: "GetStatements", responses: STATEMENTS, errors: DATA_READ },
  [`GET ${FLINKS}/GetStatementsAsync/:requestId`]: { operationId: "GetStatementsAsync", responses: STATEMENTS, errors: DATA_READ },
  [`DELETE ${FLINKS}/DeleteCard/:loginId`]: { operationId: "DeleteCard", responses: { 200: DeleteCardReply }, errors: CARD_LOOKUP },
  [`PATCH ${FLINKS}/SetScheduledRefresh`]: { operationId: "SetScheduledRefresh", errors: CARD_LOOKUP },
  [`GET ${FLINKS}/GetNightlyRefreshStatus`]: { operationId: "GetNightlyRefreshStatus" },
  [`GET ${FLINKS}/GetMFAQuestions/:loginId`]: { operationId: "GetMFAQuestions", errors: CARD_LOOKUP },
  [`PATCH ${FLINKS}/AnswerMFAQuestions`]: { operationId: "AnswerMFAQuestions", errors: CARD_LOOKUP },

  "GET /bankgate/v1/institutions": { operationId: "listInstitutions" },
  "GET /bankgate/v1/institutions/:id/logo": {
    operationId: "getInstitutionLogo",
    responses: { 200: { mediaType: "image/svg+xml", schema: Type.String(), example: '<svg xmlns="http://www.w3.org/2000/svg"/>' } },
    errors: ["NOT_FOUND"],
  },
  "GET /bankgate/v1/:customerId/sessions/:requestId": { operationId: "getSession", errors: ["SESSION_NONEXISTENT"] },
  "GET /bankgate/v1/:customerId/usage": { operationId: "getUsage" },
  "PUT /bankgate/v1/:customerId/webhooks": { operationId: "configureWebhooks" },
  "GET /bankgate/v1/:customerId/webhooks/deliveries": { operationId: "listWebhookDeliveries" },
  "POST /bankgate/v1/:customerId/webhooks/deliveries/:eventId/replay": {
    operationId: "replayWebhookDelivery",
    errors: ["WEBHOOK_EVENT_NONEXISTENT", "WEBHOOK_NOT_CONFIGURED"],
  },
  "GET /bankgate/v1/:customerId/settings": { operationId: "getSettings" },
  "PUT /bankgate/v1/:customerId/settings": { operationId: "updateSettings" },

  "GET /connect/:customerId": {
    operationId: "getConnectPage",
    responses: { 200: { mediaType: "text/html", schema: Type.String(), example: "<!doctype html>…" } },
    errors: ["NOT_FOUND", ...STORE_FAULT],
  },
  "GET /connect/api/v1/:customerId/sessions/:requestId": {
    operationId: "resumeSession",
    responses: { ...AUTHORIZE_ANSWERS, 202: ResumePendingReply },
    errors: AUTHORIZE_FLOW,
  },
  "POST /connect/api/v1/:customerId/tokens/renew": { operationId: "renewAuthorizeToken", responses: { 200: TokenReply } },
  "GET /connect/api/v1/:customerId/sessions/:requestId/accounts": {
    operationId: "listAccountChoices",
    responses: { 202: DataPendingReply },
    errors: DATA_READ,
  },
  "PUT /connect/api/v1/:customerId/sessions/:requestId/accounts": { operationId: "saveAccountSelection", errors: DATA_READ },

  "GET /sandbox/v1/:customerId/clock": { operationId: "getSandboxClock" },
  "POST /sandbox/v1/:customerId/clock/advance": { operationId: "advanceSandboxClock" },
  "POST /sandbox/v1/:customerId/clock/freeze": { operationId: "freezeSandboxClock" },
  "POST /sandbox/v1/:customerId/clock/unfreeze": { operationId: "unfreezeSandboxClock" },
  "PUT /sandbox/v1/:customerId/cards/:loginId/next-refresh": { operationId: "setSandboxNextRefresh", errors: CARD_LOOKUP },
  "POST /sandbox/v1/:customerId/cards/:loginId/reset": { operationId: "resetSandboxCard", errors: CARD_LOOKUP },
  "PUT /sandbox/v1/:customerId/scripts/:name": { operationId: "putSandboxScript" },
  "GET /sandbox/v1/:customerId/scripts/:name": { operationId: "getSandboxScript", errors: ["NOT_FOUND"] },
  "GET /sandbox/v1/:customerId/sessions": { operationId: "listSandboxSessions" },
  "POST /sandbox/v1/:customerId/simplefin/setup-tokens": { operationId: "createSandboxSetupToken" },
  "POST /demo/api/token": { operationId: "createDemoToken", responses: { 200: DemoTokenReply }, errors: STORE_FAULT },
  "POST /demo/api/simplefin-token": { operationId: "createDemoSetupToken", errors: STORE_FAULT },
};

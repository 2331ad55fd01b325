import { STATUS_CODES } from "node:http";
import type { TSchema } from "typebox";
import { ApiError } from "../../errors/api-error.js";
import { type ErrorCode, errorCatalog, wireFlinksCode } from "../../errors/catalog.js";
import { errorBody } from "../../wire/flinks/error-body.js";
import { errorReplySchema } from "../../wire/flinks/reply-schemas.js";
import type { RouteAuth } from "../plumbing/route-auth.js";
import { ANY_ROUTE, AUTH_REFUSALS, STORE_FAULT } from "./error-groups.js";
import { type MediaAnswer, OPERATION_TABLE, type OperationDoc } from "./operation-table.js";
import { exampleOf } from "./schema-example.js";

/** What @fastify/swagger hands its `transform` for each route. */
export interface RouteToDocument {
  schema?: Record<string, unknown> & { hide?: boolean; response?: Record<string, unknown> };
  url: string;
  route: { method: string | string[]; config?: { auth?: RouteAuth } };
}

const JSON_MEDIA = "application/json";
const EXAMPLE_REQUEST_ID = "5e115eac-8f5c-4a3e-9a8c-0d2f1c3b4a5e";

/**
 * The @fastify/swagger `transform`: adds to a documented route its operationId and a schema
 * and example for every status it answers — the success bodies of the operation table and of
 * the route's own schema, and one error envelope per error status, listing its FlinksCodes
 * with an example of each built by the real error body (wire/flinks/error-body.ts).
 * Documentation only: the route's own schema, which Fastify validates and (not) serializes
 * with, is left as it is, so no answer changes by a byte.
 */
export function documentRoute({ schema, url, route }: RouteToDocument): { schema?: Record<string, unknown>; url: string } {
  if (!schema || schema.hide) return { schema, url };
  const method = Array.isArray(route.method) ? route.method[0] : route.method;
  const doc = OPERATION_TABLE[`${method} ${url}`];
  if (!doc) throw new Error(`${method} ${url} is documented but missing from src/api/openapi/operation-table.ts`);
  const response: Record<string, unknown> = {};
  const successes: Record<string, TSchema | MediaAnswer> = { ...successesDeclaredBy(schema.response), ...doc.responses };
  for (const [status, answer] of Object.entries(successes)) response[status] = successResponse(Number(status), answer);
  for (const [status, codes] of errorsByStatus(errorCodesOf(doc, route.config?.auth ?? "public"))) {
    response[status] = errorResponse(status, codes);
  }
  return { schema: { ...schema, operationId: doc.operationId, response }, url };
}

/** The operation's own codes, those every route may answer, and its auth's refusals and store faults. */
export function errorCodesOf(doc: OperationDoc, auth: RouteAuth): ErrorCode[] {
  const stored = auth === "public" ? [] : STORE_FAULT;
  return [...new Set<ErrorCode>([...ANY_ROUTE, ...AUTH_REFUSALS[auth], ...stored, ...(doc.errors ?? [])])];
}

function successesDeclaredBy(declared: Record<string, unknown> | undefined): Record<string, TSchema> {
  return Object.fromEntries(Object.entries(declared ?? {}).filter(([status]) => Number(status) < 400)) as Record<string, TSchema>;
}

function successResponse(status: number, answer: TSchema | MediaAnswer) {
  const media = isMediaAnswer(answer) ? answer : { mediaType: JSON_MEDIA, schema: answer, example: exampleOf(answer) };
  return {
    description: (media.schema as { description?: string }).description ?? STATUS_CODES[status] ?? "Success",
    content: { [media.mediaType]: { schema: media.schema, example: media.example } },
  };
}

function errorsByStatus(codes: readonly ErrorCode[]): Map<number, ErrorCode[]> {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of codes) {
    const { httpStatus } = errorCatalog[code];
    byStatus.set(httpStatus, [...(byStatus.get(httpStatus) ?? []), code]);
  }
  return new Map([...byStatus].sort(([a], [b]) => a - b));
}

function errorResponse(status: number, codes: readonly ErrorCode[]) {
  const wireCodes = [...new Set(codes.map(wireFlinksCode))];
  return {
    description: `${STATUS_CODES[status] ?? "Error"}: FlinksCode ${wireCodes.join(", ")}`,
    content: {
      [JSON_MEDIA]: {
        schema: errorReplySchema(status, wireCodes),
        examples: Object.fromEntries(
          codes.map((code) => [code, { summary: errorCatalog[code].message, value: errorBody(exampleError(code)) }]),
        ),
      },
    },
  };
}

/** Errors about a session carry its RequestId on the wire; the example shows one. */
function exampleError(code: ErrorCode): ApiError {
  const aboutSession = code.startsWith("SESSION_") || code === "UNAUTHORIZED_SESSION";
  return new ApiError(code, aboutSession ? { requestId: EXAMPLE_REQUEST_ID } : {});
}

function isMediaAnswer(answer: TSchema | MediaAnswer): answer is MediaAnswer {
  return typeof (answer as MediaAnswer).mediaType === "string";
}

import type { FastifyError, FastifyInstance, FastifyReply } from "fastify";
import { ApiError } from "../../errors/api-error.js";
import type { ErrorCode } from "../../errors/catalog.js";
import { errorBody } from "../../wire/flinks/error-body.js";
import { faultAsApiError } from "./fault-errors.js";

/**
 * The single error → HTTP answer: the body is the Flinks error body (wire/flinks/error-body.ts);
 * anything that is not an ApiError becomes a generic 500 that leaks nothing.
 */
export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError | ApiError, request, reply) => {
    const apiError = error instanceof ApiError ? error : (faultAsApiError(error, request.log) ?? fromFastifyError(error));
    if (apiError.code === "INTERNAL_ERROR") request.log.error({ err: error }, "unexpected error");
    return sendError(reply, apiError);
  });
  app.setNotFoundHandler((_request, reply) => sendError(reply, new ApiError("NOT_FOUND")));
}

export function sendError(reply: FastifyReply, error: ApiError, extra: Record<string, unknown> = {}): FastifyReply {
  if (error.context.retryAfterSeconds !== undefined) reply.header("retry-after", String(error.context.retryAfterSeconds));
  return reply
    .code(error.httpStatus)
    .type("application/json; charset=utf-8")
    .send(JSON.stringify(errorBody(error, extra)));
}

const FASTIFY_CODES: Readonly<Record<string, ErrorCode>> = {
  FST_ERR_CTP_BODY_TOO_LARGE: "PAYLOAD_TOO_LARGE",
  // Unreachable while json-parser.ts reads every type; a body is refused for what it is, not its label.
  FST_ERR_CTP_INVALID_MEDIA_TYPE: "INVALID_REQUEST",
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: "INVALID_REQUEST",
  FST_ERR_CTP_EMPTY_JSON_BODY: "INVALID_REQUEST",
  FST_ERR_CTP_INVALID_JSON_BODY: "INVALID_REQUEST",
  FST_ERR_BAD_URL: "INVALID_REQUEST",
  FST_ERR_ASYNC_CONSTRAINT: "INVALID_REQUEST",
};

function fromFastifyError(error: FastifyError): ApiError {
  if (error.validation) {
    const field = error.validation[0]?.instancePath?.replace(/^\//, "").replace(/\//g, ".") || "body";
    return new ApiError(
      "INVALID_REQUEST",
      { validationDetails: validationDetails(error) },
      `Invalid request: ${field} ${error.validation[0]?.message ?? "is invalid"}.`,
    );
  }
  const mapped = FASTIFY_CODES[error.code];
  if (mapped) return new ApiError(mapped);
  if (error instanceof SyntaxError || (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500)) {
    return new ApiError("INVALID_REQUEST");
  }
  return new ApiError("INTERNAL_ERROR");
}

/** Field → messages, as Flinks' ValidationDetails (the C# SDK types it Dictionary<string, List<string>>). */
function validationDetails(error: FastifyError): Record<string, string[]> {
  const details: Record<string, string[]> = {};
  for (const issue of error.validation ?? []) {
    const field = issue.instancePath.replace(/^\//, "").replace(/\//g, ".") || String(issue.params?.missingProperty ?? "body");
    details[field] = [...(details[field] ?? []), issue.message ?? "is invalid"];
  }
  return details;
}

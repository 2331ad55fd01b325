import type { ApiError } from "../../errors/api-error.js";
import { wireFlinksCode } from "../../errors/catalog.js";

/**
 * The body of every error answer: HttpStatusCode (equal to the HTTP status), FlinksCode and
 * Message, then what the error is about (RequestId, Institution, ValidationDetails as the C#
 * SDK types it: Dictionary<string, List<string>>) and any fields the caller adds (a cached
 * session's Login).
 */
export function errorBody(error: ApiError, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const { requestId, institution, validationDetails } = error.context;
  return {
    HttpStatusCode: error.httpStatus,
    FlinksCode: wireFlinksCode(error.code),
    Message: error.message,
    ...(requestId !== undefined ? { RequestId: requestId } : {}),
    ...(institution !== undefined ? { Institution: institution } : {}),
    ...extra,
    ...(validationDetails !== undefined ? { ValidationDetails: validationDetails } : {}),
  };
}

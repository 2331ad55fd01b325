import { type ErrorCode, errorCatalog } from "./catalog.js";

/** Extra fields Flinks puts on flow errors (RequestId, Links, Institution, Login). */
export type ErrorContext = Record<string, unknown>;

/** A failure the caller is told about; anything else becomes a generic 500. */
export class ApiError extends Error {
  readonly code: ErrorCode;
  readonly httpStatus: number;
  readonly context: ErrorContext;

  constructor(code: ErrorCode, context: ErrorContext = {}, message?: string) {
    super(message ?? errorCatalog[code].message);
    this.code = code;
    this.httpStatus = errorCatalog[code].httpStatus;
    this.context = context;
  }
}

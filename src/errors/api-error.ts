import { type ErrorCode, errorCatalog } from "./catalog.js";

/** What an error is about, beyond its code: the wire format turns it into the error body's extra fields. */
export interface ErrorContext {
  /** The session the error happened in: clients keep their place with it. */
  requestId?: string;
  institution?: string;
  /** Field → messages, for a request that failed validation. */
  validationDetails?: Record<string, string[]>;
  /** Sent as the Retry-After header: when a retry of the same request may work. */
  retryAfterSeconds?: number;
}

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

import { BankgateClientError } from "./client-error.js";
import type { HttpAnswer } from "./http-caller.js";

/**
 * The typed answer of a Flinks operation from its HTTP answer. Every Flinks body carries
 * HttpStatusCode; one that does not (a proxy's JSON, an older server) gets the HTTP status,
 * so the answer is always a union on HttpStatusCode. A body that is not a JSON object is no
 * answer of these operations at all.
 */
export function flinksAnswer<T>(http: HttpAnswer, operation: string): T {
  const { status, body } = http;
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw new BankgateClientError("unexpected-response", `${operation}: HTTP ${status} without a JSON object`, { status });
  }
  return ("HttpStatusCode" in body ? body : { HttpStatusCode: status, ...body }) as T;
}

/** /SetScheduledRefresh: a bare JSON string on success, the error envelope otherwise. */
export function messageAnswer<T>(http: HttpAnswer, operation: string): T {
  if (http.status === 200 && typeof http.body === "string") return { HttpStatusCode: 200, Message: http.body } as T;
  return flinksAnswer<T>(http, operation);
}

import type { LightMyRequestResponse } from "fastify";
import { type ErrorCode, errorCatalog, wireFlinksCode } from "../../src/errors/catalog.js";

const WIRE_CODES: ReadonlySet<string> = new Set(Object.keys(errorCatalog).map((code) => wireFlinksCode(code as ErrorCode)));

/**
 * The response contract the fuzz tests check (quality bar S4, docs/quality-bars.md): no 5xx, a JSON object body whose
 * HttpStatusCode equals the status, and on errors a catalogued FlinksCode and a Message.
 * Throws with the request and response on violation.
 */
export function checkResponse(request: string, response: LightMyRequestResponse): void {
  const where = `${request}\n→ ${response.statusCode} ${response.body.slice(0, 500)}`;
  if (response.statusCode >= 500) throw new Error(`5xx: ${where}`);
  let body: { HttpStatusCode?: unknown; FlinksCode?: unknown; Message?: unknown };
  try {
    body = JSON.parse(response.body);
  } catch {
    throw new Error(`body is not JSON: ${where}`);
  }
  // SetScheduledRefresh's success is a bare JSON string
  // (https://docs.flinks.com/api/connect/endpoints/account-linking/set-scheduled-refresh).
  if (response.statusCode === 200 && typeof body === "string" && /SetScheduledRefresh/i.test(request.split(" ")[1] ?? "")) return;
  if (body === null || typeof body !== "object") throw new Error(`body is not an object: ${where}`);
  if (body.HttpStatusCode !== response.statusCode) throw new Error(`HttpStatusCode differs from the status: ${where}`);
  if (response.statusCode >= 400) {
    if (typeof body.FlinksCode !== "string" || !WIRE_CODES.has(body.FlinksCode)) throw new Error(`uncatalogued FlinksCode: ${where}`);
    if (typeof body.Message !== "string") throw new Error(`no Message: ${where}`);
  }
}

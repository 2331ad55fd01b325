import { HttpError, type HttpErrorKind } from "../http/http-client.js";
import type { ConnectorContext, ConnectorFailure } from "../types.js";
import { aggregate, type OfxElement } from "./codec/ofx-element.js";
import { type OfxDocument, parseOfx } from "./codec/parse-ofx.js";
import { serializeOfx } from "./codec/serialize-ofx.js";
import type { OfxInstitution } from "./institution-directory.js";
import { randomUuid } from "./ofx-ids.js";

export type Exchange = { kind: "answered"; document: OfxDocument } | { kind: "failed"; code: ConnectorFailure };

/** A year of a busy account is about 1–2 MB of OFX; a bigger answer is refused rather than read. */
export const MAX_OFX_RESPONSE_BYTES = 8 * 1024 * 1024;

/** What Quicken for Windows sends: some servers refuse a client they do not recognise. */
export const DEFAULT_USER_AGENT = "InetClntApp/3.0";

const HTTP_FAILURES: Readonly<Record<HttpErrorKind, ConnectorFailure>> = {
  timeout: "RETRY_LATER",
  network: "RETRY_LATER",
  "too-many-redirects": "RETRY_LATER",
  "too-large": "INSTITUTION_PROTOCOL_ERROR",
  // The directory's URL is refused by the deployment's address policy: no login can work.
  "bad-url": "DISABLED_INSTITUTION",
  "refused-address": "DISABLED_INSTITUTION",
};

/**
 * One OFX request and its answer, over ctx.http: the only place this connector touches the
 * network. Every way it can go wrong is a failure code, never a throw: no answer or a 5xx or an
 * HTML page (a maintenance screen) is RETRY_LATER, bytes that are not OFX are
 * INSTITUTION_PROTOCOL_ERROR. Nothing of the request (it holds the password) is logged or put
 * in an error.
 */
export async function exchangeOfx(ctx: ConnectorContext, institution: OfxInstitution, messageSets: OfxElement[]): Promise<Exchange> {
  const body = serializeOfx(aggregate("OFX", ...messageSets), { version: institution.ofxVersion, newFileUid: randomUuid(ctx.randomInt) });
  let status: number;
  let headers: Record<string, string>;
  let bytes: Buffer;
  try {
    const response = await ctx.http.request({
      url: institution.url,
      method: "POST",
      headers: {
        "content-type": "application/x-ofx",
        accept: "*/*, application/x-ofx",
        "user-agent": DEFAULT_USER_AGENT,
        ...institution.extraHeaders,
      },
      body,
      timeoutSeconds: institution.timeoutSeconds,
      maxResponseBytes: MAX_OFX_RESPONSE_BYTES,
    });
    ({ status, headers, body: bytes } = response);
  } catch (error) {
    return { kind: "failed", code: error instanceof HttpError ? HTTP_FAILURES[error.kind] : "RETRY_LATER" };
  }
  if (status >= 500 || status === 429 || status === 408) return { kind: "failed", code: "RETRY_LATER" };
  if (status === 404 || status === 405 || status === 410) return { kind: "failed", code: "DISABLED_INSTITUTION" };
  if (looksLikeHtml(headers["content-type"], bytes)) return { kind: "failed", code: "RETRY_LATER" };
  if (status < 200 || status >= 300) return { kind: "failed", code: "INSTITUTION_PROTOCOL_ERROR" };
  try {
    return { kind: "answered", document: parseOfx(bytes) };
  } catch {
    // parseOfx throws OfxSyntaxError only: truncated, unknown version or charset, declarations…
    return { kind: "failed", code: "INSTITUTION_PROTOCOL_ERROR" };
  }
}

/** An HTML page, by its first bytes; a text/html label alone is not enough: some banks label their OFX so. */
function looksLikeHtml(contentType: string | undefined, bytes: Buffer): boolean {
  const start = bytes.subarray(0, 512).toString("latin1").trimStart().toLowerCase();
  if (/^<(!doctype\s+html|html|head|body)\b/.test(start)) return true;
  return Boolean(contentType?.toLowerCase().includes("text/html")) && !/^(ofxheader|<\?|<ofx>)/.test(start);
}

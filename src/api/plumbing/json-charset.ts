import type { FastifyInstance } from "fastify";
import { ApiError } from "../../errors/api-error.js";

/** UTF-8 under its spellings, and ASCII, a subset of it. */
const UTF8_CHARSETS = new Set(["utf-8", "utf8", "us-ascii", "ascii"]);

/**
 * A request body declared in another charset (`application/json; charset=latin1`) is refused
 * with `415 UNSUPPORTED_MEDIA_TYPE` before it is parsed: JSON between systems is UTF-8
 * (RFC 8259 §8.1), every Flinks client sends UTF-8, and reading Latin-1 bytes as UTF-8 would
 * store mangled names while transcoding would accept what no client sends. No charset
 * parameter means UTF-8. Separate from the JSON parser (json-parser.ts), which decides which
 * media types are read as JSON.
 */
export function registerJsonCharsetCheck(app: FastifyInstance): void {
  app.addHook("preParsing", (request, _reply, payload, done) => {
    const charset = charsetOf(request.headers["content-type"]);
    done(charset !== null && !UTF8_CHARSETS.has(charset) ? new ApiError("UNSUPPORTED_MEDIA_TYPE") : null, payload);
  });
}

/** The charset parameter of a Content-Type, lower-cased and unquoted; null when there is none. */
function charsetOf(contentType: string | undefined): string | null {
  const match = /;\s*charset\s*=\s*("([^"]*)"|[^;\s]*)/i.exec(contentType ?? "");
  if (!match) return null;
  return (match[2] ?? match[1] ?? "").trim().toLowerCase();
}

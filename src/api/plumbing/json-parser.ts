import type { FastifyInstance } from "fastify";

/** `type/subtype`, optionally followed by parameters: what Fastify can read as a media type. */
const MEDIA_TYPE = /^\s*[\w!#$%&'*+.^`|~-]+\/[\w!#$%&'*+.^`|~-]+\s*(?:;.*)?$/;

/**
 * Every request body is read as JSON, whatever its declared type: `fetch` labels a string body
 * `text/plain`, `curl -d` labels it `application/x-www-form-urlencoded`, and some clients send
 * no type at all — Flinks serves them all, so the label is not what decides. A body that does
 * not parse as JSON is refused with the catalogued 400 (INVALID_REQUEST), never 415. An empty
 * body is no body (node-flinks POSTs the *Async polls with nothing), a UTF-8 byte-order mark is
 * skipped (.NET writers add one), and `__proto__` / `constructor.prototype` keys are dropped
 * rather than obeyed.
 */
export function registerJsonParser(app: FastifyInstance): void {
  const parseJson = app.getDefaultJsonParser("remove", "remove");
  // Fastify refuses a Content-Type it cannot parse ("", ";;;") before any parser runs; such a
  // label says nothing, so it is dropped and the body is read like any other.
  app.addHook("onRequest", (request, _reply, done) => {
    const declared = request.headers["content-type"];
    if (declared !== undefined && !MEDIA_TYPE.test(declared)) delete request.headers["content-type"];
    done();
  });
  app.removeAllContentTypeParsers();
  app.addContentTypeParser("*", { parseAs: "string" }, (request, body, done) => {
    const text = (body as string).replace(/^\uFEFF/, "");
    if (text.trim() === "") {
      done(null, undefined);
      return;
    }
    parseJson(request, text, done);
  });
}

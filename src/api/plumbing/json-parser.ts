import type { FastifyInstance } from "fastify";

/**
 * JSON bodies, and nothing else, as Flinks clients send them: an empty body is no body (node-flinks POSTs the
 * *Async polls with nothing), a UTF-8 byte-order mark is skipped (.NET writers add one),
 * and `__proto__` / `constructor.prototype` keys are dropped rather than obeyed.
 */
export function registerJsonParser(app: FastifyInstance): void {
  const parseJson = app.getDefaultJsonParser("remove", "remove");
  // JSON only: a text/plain body is refused with 415, not parsed as something else.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser("application/json", { parseAs: "string" }, (request, body, done) => {
    const text = (body as string).replace(/^\uFEFF/, "");
    if (text.trim() === "") {
      done(null, undefined);
      return;
    }
    parseJson(request, text, done);
  });
}

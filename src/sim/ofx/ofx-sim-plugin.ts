import type { FastifyInstance } from "fastify";
import type { Clock } from "../../lib/clock.js";
import { answerOfxRequest } from "./answer-ofx-request.js";
import { SimBankData } from "./sim-bank-data.js";
import { DEFAULT_OFX_SIM_INSTITUTIONS, type OfxSimInstitution } from "./sim-institutions.js";
import { OfxSimMemory } from "./sim-memory.js";
import type { SimUser } from "./sim-users.js";

export interface OfxSimOptions {
  /** Every date the banks state and every delay they take follows this clock. */
  clock: Clock;
  /** Makes the ACCESSKEYs issued; the same seed and requests give the same answers. */
  seed: string;
  institutions?: readonly OfxSimInstitution[];
  /** How long `test_slow` takes to answer, in seconds on the clock (default 5). */
  slowSeconds?: number;
  /** Larger requests are refused with 413 (default 1 MiB; an OFX request is a few KB). */
  maxRequestBytes?: number;
  /**
   * Scripted users, by lower-case username, before the catalogue's (same password `Everyday`):
   * an MFA round of your own phrases, a status code, an HTML page, data of another shape.
   */
  users?: Readonly<Record<string, SimUser>>;
}

/**
 * An OFX Direct Connect server written from the specification, as a Fastify plugin: POST an
 * OFX request to `/{institution}` (bankgate will mount it under `/sim/ofx`). Its banks and
 * users are listed in docs/connectors/ofx.md. All it remembers lives in this registration:
 * two registrations are two independent sets of banks.
 */
export async function ofxSimPlugin(app: FastifyInstance, options: OfxSimOptions): Promise<void> {
  const institutions = new Map((options.institutions ?? DEFAULT_OFX_SIM_INSTITUTIONS).map((i) => [i.id.toLowerCase(), i]));
  const memory = new OfxSimMemory(options.seed);
  const bankData = new SimBankData();
  const slowSeconds = options.slowSeconds ?? 5;
  // Slow and hanging answers end when the server closes, so closing never waits for them.
  let markClosed: () => void = () => {};
  const closed = new Promise<void>((resolve) => {
    markClosed = resolve;
  });
  app.addHook("onClose", async () => markClosed());

  // OFX clients send application/x-ofx, text/xml, or nothing useful: every body is read as bytes.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser("*", { parseAs: "buffer", bodyLimit: options.maxRequestBytes ?? 1024 * 1024 }, (_request, body, done) =>
    done(null, body),
  );

  app.post<{ Params: { institution: string } }>("/:institution", async (request, reply) => {
    const institution = institutions.get(request.params.institution.toLowerCase());
    if (!institution) return reply.code(404).type("text/plain").send("No such OFX institution here.\n");
    const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
    const answer = await answerOfxRequest(body, {
      institution,
      url: `${request.protocol}://${request.host}${request.url.split("?")[0]}`,
      clock: options.clock,
      memory,
      bankData,
      users: options.users ?? {},
      waitSlow: () => Promise.race([options.clock.sleepUntil(new Date(options.clock.now().getTime() + slowSeconds * 1000)), closed]),
    });
    switch (answer.kind) {
      case "ofx":
        return reply
          .type(answer.syntax === "sgml" ? "application/x-ofx; charset=windows-1252" : "application/x-ofx; charset=utf-8")
          .send(answer.body);
      case "bad-request":
        return reply.code(400).type("text/plain").send(`${answer.message}\n`);
      case "html-page":
        return reply.type("text/html").send(MAINTENANCE_PAGE);
      case "http-error":
        return reply.code(answer.status).type("text/plain").send("Service unavailable.\n");
      case "hang":
        await closed;
        request.raw.socket.destroy();
        return reply.hijack();
    }
  });
}

const MAINTENANCE_PAGE =
  "<!DOCTYPE html>\n<html><head><title>Scheduled maintenance</title></head>" +
  "<body><h1>Online banking is down for scheduled maintenance.</h1><p>Please try again later.</p></body></html>\n";

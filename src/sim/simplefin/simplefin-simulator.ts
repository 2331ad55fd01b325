import type { FastifyPluginAsync } from "fastify";
import type { Clock } from "../../lib/clock.js";
import { accountsReply } from "./accounts-reply.js";
import { basicCredentials } from "./basic-auth.js";
import { createPage } from "./create-page.js";
import { createSetupToken } from "./setup-tokens.js";
import { SimRecords, type SimUser } from "./sim-records.js";
import { simScenario } from "./sim-scenarios.js";
import { createMemorySimStore, type SimpleFinSimStore } from "./sim-store.js";
import { waitOutLatency } from "./wait-out-latency.js";

export interface SimpleFinSimulatorOptions {
  /**
   * The simulator's root URL as apps reach it (`https://bankgate.example/sim/simplefin`): the
   * claim URLs in its setup tokens and the access URLs it hands out point there. A function
   * when it is known only once the server listens (port 0).
   */
  baseUrl: string | (() => string);
  /** Its time: balances, windows, pending transactions that post and accounts that open follow it. */
  clock: Clock;
  /** Its users, tokens and access URLs; a fresh in-memory store per instance by default. */
  store?: SimpleFinSimStore;
  /** Seeds every generated account and id (default "simplefin-sim"). */
  seed?: string;
  /** The widest `end-date - start-date` one request gets, as the Bridge's 90 days (default 90). */
  maxDaysPerRequest?: number;
  /** How long the `slow` scenario's /accounts takes on the clock (default 30 s). */
  slowSeconds?: number;
}

/**
 * A SimpleFIN server written from simplefin.org/protocol.html (v1 and v2): `GET /info`,
 * `GET|POST /create`, `POST /claim/:token`, `GET /accounts` with Basic auth and every query
 * parameter, plus `/_control/…` to revoke a user's access or change their scenario. A Fastify
 * plugin: register it under a prefix (bankgate mounts it at `/sim/simplefin`) with the
 * matching baseUrl. All state is in the instance's store.
 */
export const simpleFinSimulator: FastifyPluginAsync<SimpleFinSimulatorOptions> = async (app, options) => {
  const records = new SimRecords(options.store ?? createMemorySimStore());
  const baseUrl = () => (typeof options.baseUrl === "function" ? options.baseUrl() : options.baseUrl).replace(/\/+$/, "");
  const settings = {
    seed: options.seed ?? "simplefin-sim",
    maxDaysPerRequest: options.maxDaysPerRequest ?? 90,
    slowSeconds: options.slowSeconds ?? 30,
  };
  // A slow or hanging answer must not hold the server open when it closes.
  const closing = new AbortController();
  app.addHook("preClose", async () => closing.abort());

  // Every body is read as text and parsed by the route that wants it: claims come with an
  // empty body and any (or no) content type, /create with a form.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser("*", { parseAs: "string", bodyLimit: 16 * 1024 }, (_request, body, done) => done(null, body));

  const authenticated = async (authorization: string | undefined): Promise<SimUser | undefined> => {
    const credentials = basicCredentials(authorization);
    return credentials ? records.authenticate(credentials.username, credentials.password) : undefined;
  };

  app.get("/info", async (request, reply) => {
    const user = await authenticated(request.headers.authorization);
    const versions = simScenario(user?.scenario ?? "ok")?.versions ?? ["1.0", "2.0"];
    return reply.type("application/json").send(JSON.stringify({ versions }));
  });

  app.get("/create", async (_request, reply) => reply.type("text/html; charset=utf-8").send(createPage(null)));

  app.post("/create", async (request, reply) => {
    const query = request.query as Record<string, string | undefined>;
    const form = new URLSearchParams(typeof request.body === "string" ? request.body : "");
    const created = await createSetupToken(records, {
      baseUrl: baseUrl(),
      now: options.clock.now(),
      scenario: query.scenario ?? (form.get("scenario") || undefined),
      user: query.user ?? (form.get("user") || undefined),
    });
    if ("error" in created) return reply.code(400).type("text/plain").send(created.error);
    if (request.headers.accept?.includes("text/html")) return reply.type("text/html; charset=utf-8").send(createPage(created));
    return reply.type("text/plain").send(created.token);
  });

  // Its path holds the one-time token: the host's request log stays quiet about it.
  app.post("/claim/:token", { logLevel: "warn" }, async (request, reply) => {
    const { token } = request.params as { token: string };
    const claimed = await records.claimToken(token, options.clock.now());
    if (!claimed) return reply.code(403).type("text/plain").send("Forbidden");
    const access = new URL(baseUrl());
    access.username = claimed.username;
    access.password = claimed.password;
    return reply.type("text/plain").send(access.href.replace(/\/+$/, ""));
  });

  app.get("/accounts", async (request, reply) => {
    const user = await authenticated(request.headers.authorization);
    if (!user) return reply.code(403).type("text/plain").send("Forbidden");
    const scenario = simScenario(user.scenario) ?? simScenario("ok");
    if (!scenario) throw new Error("the ok scenario is missing");
    if (scenario.latency) {
      await waitOutLatency(scenario.latency, options.clock, settings.slowSeconds, reply.raw, closing.signal);
      if (closing.signal.aborted || reply.raw.destroyed) return reply.code(503).send();
    }
    const answer = accountsReply({ user, scenario, url: request.url, now: options.clock.now(), serverUrl: baseUrl(), ...settings });
    return reply.code(answer.status).type(answer.contentType).send(answer.body);
  });

  app.post("/_control/revoke", async (request, reply) => {
    const user = await records.user((request.query as { user?: string }).user ?? "");
    if (!user) return reply.code(404).type("text/plain").send("no such user");
    await records.saveUser({ ...user, accessGeneration: user.accessGeneration + 1 });
    return reply.code(204).send();
  });

  app.post("/_control/scenario", async (request, reply) => {
    const query = request.query as { user?: string; scenario?: string };
    const user = await records.user(query.user ?? "");
    if (!user) return reply.code(404).type("text/plain").send("no such user");
    if (!simScenario(query.scenario ?? "")) return reply.code(400).type("text/plain").send("unknown scenario");
    await records.saveUser({ ...user, scenario: query.scenario ?? user.scenario });
    return reply.code(204).send();
  });
};

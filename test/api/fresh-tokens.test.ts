import { afterEach, beforeEach, describe, expect, inject, it, vi } from "vitest";
import { ConnectorRegistry } from "../../src/connectors/registry.js";
import { sha256Hex } from "../../src/lib/ids.js";
import { createTestApp, flinksCapital, SANDBOX_ANSWERS, type TestApp } from "../helpers/test-app.js";

/**
 * Flinks' pages say both "send back the same authorize token" to answer MFA and "generate a new
 * authorize token before each call to /Authorize" (https://docs.flinks.com/reference/step-3).
 * An MFA round (/Authorize or /AuthorizeAsync with a RequestId) therefore takes the session's
 * own token, or a fresh unused token of the same customer, which is used up and bound to that
 * session. Anything else is refused as before.
 */
const skipPostgres = inject("databaseUrl") === "" && process.env.CI !== "true";
const ROUNDS = { Institution: "FlinksCapital", Username: "mfa_rounds_3", Password: "Everyday", MostRecentCached: false, Save: true };
const ANSWERS = ["Montreal", "Canada", "Triangle"];
const DENIED = { status: 401, code: "ACCESS_DENIED" };

function outcome(response: { statusCode: number; json(): { FlinksCode?: string } }) {
  return { status: response.statusCode, code: response.json().FlinksCode };
}

/** FlinksCapital, and a copy of it that is not a sandbox institution (what a real bank looks like to the scope gate). */
function withRealBank(): ConnectorRegistry {
  return new ConnectorRegistry([flinksCapital(), { ...flinksCapital(), id: "RealBank", name: "A real bank", sandbox: false }]);
}

describe.each([
  { store: "sqlite" as const, skip: false },
  { store: "postgres" as const, skip: skipPostgres },
])("fresh authorize tokens on MFA rounds ($store)", ({ store, skip }) => {
  let t: TestApp;
  beforeEach(async () => {
    if (!skip) t = await createTestApp({ store, randomInt: () => 0, connectors: withRealBank(), env: { BANKGATE_AUTH_MODE: "auto" } });
  });
  afterEach(() => t?.close());

  const round = (RequestId: string, answer: string | null, token: string, operation = "Authorize") =>
    t.post(operation, answer === null ? { RequestId } : { RequestId, SecurityResponses: { answer: [answer] } }, {
      "flinks-auth-key": token,
    });

  it.skipIf(skip)("answers every MFA round with a new token, and each token then belongs to that session", async () => {
    const opened = await t.post("Authorize", ROUNDS, { "flinks-auth-key": await t.generateToken() });
    expect(opened.statusCode).toBe(203);
    const { RequestId } = opened.json();
    const used: string[] = [];
    for (const [i, answer] of ANSWERS.entries()) {
      const prompt = (await t.post("Authorize", { RequestId }, t.apiKeyHeaders())).json().SecurityChallenges[0].Prompt as string;
      const token = await t.generateToken();
      used.push(token);
      const response = await t.post("Authorize", { RequestId, SecurityResponses: { [prompt]: [answer] } }, { "flinks-auth-key": token });
      expect(response.statusCode, `round ${i}`).toBe(i === ANSWERS.length - 1 ? 200 : 203);
      expect(response.json().RequestId).toBe(RequestId);
    }
    // Used up: bound to this session, so it reads its data, and opens no other session.
    const last = used.at(-1) ?? "";
    expect((await t.post("GetAccountsSummary", { RequestId }, { "flinks-auth-key": last })).statusCode).toBe(200);
    expect(outcome(await t.post("Authorize", { ...ROUNDS, Username: "Greatday" }, { "flinks-auth-key": last }))).toEqual(DENIED);
    // An earlier round's token is this session's too, and no other's.
    expect((await t.post("Authorize", { RequestId }, { "flinks-auth-key": used[0] ?? "" })).statusCode).toBe(200);
    const other = (await t.authorize({ ...ROUNDS, Username: "Greatday" })).json().RequestId as string;
    expect(outcome(await round(other, null, used[0] ?? ""))).toEqual(DENIED);
  });

  it.skipIf(skip)("takes a fresh token on an /AuthorizeAsync poll and on the widget's Resume too", async () => {
    const first = await t.post("AuthorizeAsync", { ...ROUNDS, Username: "Greatday" }, { "flinks-auth-key": await t.generateToken() });
    expect(first.statusCode).toBe(202);
    const { RequestId } = first.json();
    // The login runs in the background: wait for its 203 (polled with the API key).
    await vi.waitFor(async () => expect((await t.post("AuthorizeAsync", { RequestId }, t.apiKeyHeaders())).statusCode).toBe(203));
    expect((await round(RequestId, null, await t.generateToken(), "AuthorizeAsync")).statusCode).toBe(203);
    const resumed = await t.app.inject({
      method: "GET",
      url: `/connect/api/v1/${t.customer.customerId}/sessions/${RequestId}`,
      headers: { "flinks-auth-key": await t.generateToken() },
    });
    expect(resumed.statusCode).toBe(203);
    const prompt = resumed.json().SecurityChallenges[0].Prompt as string;
    const answered = await t.post(
      "Authorize",
      { RequestId, SecurityResponses: { [prompt]: [SANDBOX_ANSWERS[prompt]] } },
      { "flinks-auth-key": await t.generateToken() },
    );
    expect(answered.statusCode).toBe(200);
  });

  it.skipIf(skip)("still refuses a used, expired or foreign token, and a fresh token on a data call", async () => {
    const { RequestId } = (await t.authorize({ ...ROUNDS, Username: "Greatday" })).json();
    // Used: it opened another session.
    const usedToken = await t.generateToken();
    expect((await t.post("Authorize", { ...ROUNDS, Username: "Greatday+other" }, { "flinks-auth-key": usedToken })).statusCode).toBe(203);
    expect(outcome(await round(RequestId, null, usedToken))).toEqual(DENIED);
    // Another customer's.
    const other = await t.addCustomer();
    expect(outcome(await round(RequestId, null, await t.generateToken(other)))).toEqual(DENIED);
    // Not a token the session has: data calls take the API key or the session's own token only.
    const fresh = await t.generateToken();
    expect(outcome(await t.post("GetAccountsSummary", { RequestId }, { "flinks-auth-key": fresh }))).toEqual(DENIED);
    // A made-up token.
    expect(outcome(await round(RequestId, null, "d65f1adb-8ebc-48dc-be8b-20c773ba1565"))).toEqual(DENIED);
    // Expired: 30 minutes from issue, on a session that is still open.
    const stale = await t.generateToken();
    t.clock.advanceSeconds(1800);
    const { RequestId: open } = (await t.authorize({ ...ROUNDS, Username: "Greatday+later" })).json();
    expect(outcome(await round(open, null, stale))).toEqual(DENIED);
  });

  it.skipIf(skip)("spends no fresh token on an unknown or expired RequestId", async () => {
    const token = await t.generateToken();
    expect(outcome(await round("9022abc2-8a2e-4b06-a06e-c3e5449c4d10", null, token))).toEqual({ status: 400, code: "SESSION_NONEXISTENT" });
    const { RequestId } = (await t.authorize({ ...ROUNDS, Username: "Greatday" })).json();
    t.clock.advanceSeconds(t.config.sessions.idleTtlSeconds);
    expect(outcome(await round(RequestId, null, token))).toEqual({ status: 400, code: "SESSION_EXPIRED" });
    // Still unused: it opens a session.
    expect((await t.post("Authorize", { ...ROUNDS, Username: "greatday_nomfa" }, { "flinks-auth-key": token })).statusCode).toBe(200);
  });

  it.skipIf(skip)("never binds a sandbox-scope token (the demo page's) to a real institution's session", async () => {
    const real = await t.post("Authorize", { ...ROUNDS, Institution: "RealBank", Username: "Greatday" }, t.apiKeyHeaders());
    expect(real.statusCode).toBe(203);
    const demoToken = (await t.app.inject({ method: "POST", url: "/demo/api/token" })).json().token as string;
    expect(demoToken).toMatch(/^sandbox-/);
    const prompt = real.json().SecurityChallenges[0].Prompt as string;
    const answer = { RequestId: real.json().RequestId, SecurityResponses: { [prompt]: [SANDBOX_ANSWERS[prompt]] } };
    expect(outcome(await t.post("Authorize", answer, { "flinks-auth-key": demoToken }))).toEqual(DENIED);
    const resume = await t.app.inject({
      method: "GET",
      url: `/connect/api/v1/${t.customer.customerId}/sessions/${real.json().RequestId}`,
      headers: { "flinks-auth-key": demoToken },
    });
    expect(outcome(resume)).toEqual(DENIED);
    // The real session still waits for its answer, and the demo token is still unused.
    expect((await t.post("Authorize", { RequestId: real.json().RequestId }, t.apiKeyHeaders())).statusCode).toBe(203);
    expect((await t.post("Authorize", { ...ROUNDS, Username: "greatday_nomfa" }, { "flinks-auth-key": demoToken })).statusCode).toBe(200);
  });

  it.skipIf(skip)("binds one fresh token once when two rounds race with it", async () => {
    const { RequestId } = (await t.authorize({ ...ROUNDS, Username: "Greatday" })).json();
    const token = await t.generateToken();
    const both = await Promise.all([round(RequestId, null, token).then((r) => r), round(RequestId, null, token).then((r) => r)]);
    expect(both.map((r) => r.statusCode)).toEqual([203, 203]);
    expect(await t.deps.storage.authorizeTokens.boundRequestId(sha256Hex(token), t.customer.customerId, t.clock.now())).toBe(RequestId);
  });
});

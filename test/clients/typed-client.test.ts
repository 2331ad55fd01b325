import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from "vitest";
import {
  type AuthorizeRequest,
  BankgateClientError,
  FlinksClient,
  type FlinksClientOptions,
  type FlinksCode,
  isFlinksError,
} from "../../src/client/index.js";
import { type RunningBankgate, startBankgate } from "../../src/testing/index.js";

/**
 * bankgate/client (issue 15 item 4) against a real server from startBankgate, over real HTTP:
 * logins through MFA rounds, AuthorizeAsync and data calls polled through their 202s,
 * statements, card management, typed errors and the control plane.
 */
let bankgate: RunningBankgate;

beforeAll(async () => {
  bankgate = await startBankgate({ env: { BANKGATE_SANDBOX_PENDING_SECONDS: "30" } });
});
afterAll(() => bankgate?.stop());

const ANSWERS = {
  "What city were you born in?": "Montreal",
  "What is the best country on earth?": "Canada",
  "What shape do people like most?": "Triangle",
};
const login = (username: string): AuthorizeRequest => ({
  Institution: "FlinksCapital",
  Username: username,
  Password: "Everyday",
  MostRecentCached: false,
  Save: true,
});

/** A client of the test's server that records what it sent (operation and body). */
function recordingClient(options: Partial<FlinksClientOptions> = {}) {
  const sent: Array<{ operation: string; body: unknown }> = [];
  const client = new FlinksClient({
    baseUrl: bankgate.apiUrl,
    apiKey: bankgate.apiKey,
    secretKey: bankgate.secretKey,
    poll: { intervalMs: 20, timeoutMs: 20_000 },
    fetch: async (url, init) => {
      sent.push({ operation: String(url).slice(bankgate.apiUrl.length + 1), body: init?.body ? JSON.parse(String(init.body)) : undefined });
      return fetch(url, init);
    },
    ...options,
  });
  return { client, sent };
}

function expectStatus<A extends { HttpStatusCode: number }, S extends A["HttpStatusCode"]>(
  answer: A,
  status: S,
): Extract<A, { HttpStatusCode: S }> {
  expect(answer.HttpStatusCode, JSON.stringify(answer).slice(0, 500)).toBe(status);
  return answer as Extract<A, { HttpStatusCode: S }>;
}

describe("FlinksClient against startBankgate", () => {
  it("logs in through three rounds of security questions with an authorize token, then reads data and statements", async () => {
    const { client, sent } = recordingClient();
    const token = expectStatus(await client.generateAuthorizeToken(), 200).Token;

    const authorized = expectStatus(await client.authorizeWithAnswers(login("mfa_rounds_3"), ANSWERS, { authorizeToken: token }), 200);
    expectTypeOf(authorized.Login.Id).toEqualTypeOf<string>();
    expect(sent.filter((s) => s.operation === "Authorize").map((s) => Object.keys(s.body as object))).toEqual([
      Object.keys(login("mfa_rounds_3")),
      ["RequestId", "SecurityResponses"],
      ["RequestId", "SecurityResponses"],
      ["RequestId", "SecurityResponses"],
    ]);

    const { RequestId } = authorized;
    const detail = expectStatus(await client.getAccountsDetailAndWait({ RequestId }, { authorizeToken: token }), 200);
    expect(detail.Accounts).toHaveLength(4);
    expect(detail.Login.Id).toBe(authorized.Login.Id);
    const summary = expectStatus(await client.getAccountsSummaryAndWait({ RequestId }, { authorizeToken: token }), 200);
    expect(summary.Accounts.map((a) => a.Id)).toEqual(detail.Accounts.map((a) => a.Id));
    const statements = expectStatus(await client.getStatementsAndWait({ RequestId }, { authorizeToken: token }), 200);
    expect(statements.StatementsByAccount.length).toBeGreaterThan(0);
    const pdf = Buffer.from(statements.StatementsByAccount[0]?.Statements[0]?.Base64Bytes ?? "", "base64");
    expect(pdf.subarray(0, 5).toString()).toBe("%PDF-");
  });

  it("AuthorizeAsync: polls the 202s to the 203, answers, polls to the 200", async () => {
    const { client, sent } = recordingClient();
    const authorized = expectStatus(await client.authorizeWithAnswers(login("Greatday"), ANSWERS, { async: true }), 200);
    expect(authorized.Login.Username).toBe("Greatday");
    const asyncBodies = sent.filter((s) => s.operation === "AuthorizeAsync").map((s) => Object.keys(s.body as object).join());
    expect(asyncBodies[0]).toBe(Object.keys(login("Greatday")).join());
    expect(asyncBodies).toContain("RequestId,SecurityResponses");
    // Each step came back 202 first, so each was polled with the RequestId alone.
    expect(asyncBodies.filter((keys) => keys === "RequestId").length).toBeGreaterThanOrEqual(2);
  });

  it("polls a data call's 202 (the bank aggregates late) on its *Async operation until the 200", async () => {
    const first = recordingClient();
    const authorized = expectStatus(await first.client.authorizeWithAnswers(login("test_pending"), ANSWERS), 200);
    const loginId = authorized.Login.Id;
    const pending = expectStatus(await first.client.getAccountsDetail({ RequestId: authorized.RequestId }), 202);
    expect(pending.FlinksCode).toBe("OPERATION_PENDING");

    // The client's wait moves the virtual clock past the bank's delay and returns once the data's webhook is in.
    const { client, sent } = recordingClient({
      timer: {
        now: () => bankgate.clock.now().getTime(),
        sleep: async () => {
          bankgate.clock.advance(30);
          await bankgate.webhooks.waitFor((e) => e.type === "GetAccountsDetail" && (e.body.Login as { Id?: string }).Id === loginId);
        },
      },
      poll: { intervalMs: 1_000, timeoutMs: 120_000 },
    });
    const detail = expectStatus(await client.getAccountsDetailAndWait({ RequestId: authorized.RequestId }), 200);
    expect(detail.Accounts).toHaveLength(4);
    expect(sent.map((s) => s.operation)).toEqual(["GetAccountsDetail", `GetAccountsDetailAsync/${authorized.RequestId}`]);
  });

  it("manages a card: scheduled refresh, stored MFA questions, AuthorizeMultiple, DeleteCard; errors come typed", async () => {
    const client = bankgate.client;
    const authorized = expectStatus(await client.authorizeWithAnswers(login("Greatday+cards"), ANSWERS), 200);
    const loginId = authorized.Login.Id;

    const scheduled = expectStatus(await client.setScheduledRefresh(loginId, true), 200);
    expect(scheduled.Message).toContain(loginId);
    expectStatus(await client.getNightlyRefreshStatus(), 200);
    const questions = expectStatus(await client.getMfaQuestions(loginId), 200);
    expect(questions.Questions.length).toBeGreaterThan(0);
    expectStatus(await client.answerMfaQuestions({ LoginId: loginId, Questions: [{ Question: "Pet?", Answer: "Rex" }] }), 200);
    const multiple = expectStatus(await client.authorizeMultiple({ LoginIds: [loginId, "00000000-0000-4000-8000-000000000000"] }), 200);
    expect(multiple.ValidLoginIds.map((v) => v.LoginId)).toEqual([loginId]);

    const deleted = expectStatus(await client.deleteCard(loginId), 200);
    expect(deleted.Message).toContain(loginId);
    const gone = await client.authorize({ LoginId: loginId, MostRecentCached: true });
    if (!isFlinksError(gone)) throw new Error(`expected an error, got ${gone.HttpStatusCode}`);
    expectTypeOf(gone.FlinksCode).toEqualTypeOf<FlinksCode>();
    expect(gone).toMatchObject({ HttpStatusCode: 401, FlinksCode: "INVALID_LOGIN" });

    const refused = await client.authorize({ ...login("Greatday"), Password: "wrong" });
    expect(refused).toMatchObject({ HttpStatusCode: 401, FlinksCode: "INVALID_PASSWORD" });
    const unauthorized = await new FlinksClient({ baseUrl: bankgate.apiUrl, apiKey: "not-the-key" }).getAccountsDetail({
      RequestId: authorized.RequestId,
    });
    expect(unauthorized).toMatchObject({ HttpStatusCode: 401, FlinksCode: "ACCESS_DENIED" });
  });
});

describe("BankgateControl against startBankgate", () => {
  it("drives the clock, scripts, cards and sessions, and reads bankgate's own endpoints", async () => {
    const { control, client } = bankgate;
    const before = await control.clock.get();
    const frozen = await control.clock.freeze();
    expect(frozen.frozen).toBe(true);
    const advanced = await control.clock.advance(60);
    expect(Date.parse(advanced.now) - Date.parse(frozen.now)).toBe(60_000);
    expect((await control.clock.unfreeze()).frozen).toBe(false);
    expect(Date.parse(advanced.now)).toBeGreaterThan(Date.parse(before.now));

    await control.scripts.put({
      name: "client_pet",
      steps: [{ challenges: [{ type: "QuestionAndAnswer", prompt: "Pet?", answers: ["Rex"] }] }],
    });
    expect(await control.scripts.get("client_pet")).toMatchObject({ name: "client_pet" });
    const authorized = expectStatus(await client.authorizeWithAnswers(login("client_pet"), { "Pet?": "Rex" }), 200);

    const forced = await control.cards.forceNextRefresh(authorized.Login.Id, { outcome: "failed", code: "RETRY_LATER" });
    expect(forced).toEqual({ loginId: authorized.Login.Id, nextRefresh: { outcome: "failed", code: "RETRY_LATER" } });
    expect(await client.authorize({ LoginId: authorized.Login.Id, MostRecentCached: false })).toMatchObject({ FlinksCode: "RETRY_LATER" });
    expect((await control.cards.reset(authorized.Login.Id)).nextRefresh).toBeNull();

    const { sessions } = await control.sessions(5);
    expect(sessions.map((s) => s.requestId)).toContain(authorized.RequestId);
    expect((await control.session(authorized.RequestId)).state).toBe("authorized");
    expect((await control.institutions("capital")).institutions.map((i) => i.id)).toContain("FlinksCapital");
    expect((await control.usage()).LiveConnections).toBeGreaterThan(0);
    expect((await control.settings.get()).StoreMfaAnswers).toEqual(expect.any(Boolean));
    expect((await control.webhooks.deliveries({ limit: 5 })).Deliveries.length).toBeGreaterThan(0);
  });

  it("throws error-answer with the typed error body when the server refuses", async () => {
    const failure = await bankgate.control.scripts.get("no_such_script").catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(BankgateClientError);
    expect(failure).toMatchObject({ failure: "error-answer", details: { status: 404, lastAnswer: { FlinksCode: "NOT_FOUND" } } });
    expect(String((failure as Error).message)).not.toContain(bankgate.customerId);
  });
});

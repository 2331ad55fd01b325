import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, inject, it } from "vitest";
import { type DashboardClient, signInDashboard } from "../helpers/dashboard-client.js";
import { createTestApp, type TestApp } from "../helpers/test-app.js";
import { WebhookReceiver } from "../helpers/webhook-receiver.js";

const skipPostgres = inject("databaseUrl") === "" && process.env.CI !== "true";

/**
 * What each dashboard screen reads and does, and that a viewer sees only its own customer
 * (docs/dashboard.md). On both stores: the timelines come from triggers each dialect writes.
 */
describe.each([
  { store: "sqlite" as const, skip: false },
  { store: "postgres" as const, skip: skipPostgres },
])("dashboard data on $store", ({ store, skip }) => {
  let t: TestApp;
  let viewer: DashboardClient;
  let receiver: WebhookReceiver;

  beforeAll(async () => {
    receiver = await WebhookReceiver.start();
  });
  afterAll(() => receiver.close());
  beforeEach(async (context) => {
    if (skip) return context.skip();
    // Greatday always asks the city question; one attempt per webhook event so a failure is final.
    t = await createTestApp({ store, runJobs: false, randomInt: () => 0, env: { BANKGATE_WEBHOOK_MAX_ATTEMPTS: "1" } });
    viewer = await signInDashboard(t);
    receiver.received.length = 0;
  });
  afterEach(async () => {
    await t?.close();
  });

  const connected = async () => {
    const login = await t.connect("Greatday");
    await t.deps.runner.runUntilIdle();
    return login;
  };

  it("lists a card with its masked username and refresh, and shows its accounts, questions and transactions", async () => {
    const login = await connected();
    const list = await viewer.get("/cards");
    expect(list.statusCode).toBe(200);
    const [card] = list.json().cards;
    expect(card).toMatchObject({
      loginId: login.Login.Id,
      institution: "FlinksCapital",
      maskedUsername: "Gr••••••",
      savedCredentials: true,
    });
    expect(card.lastRefreshAt).not.toBeNull();

    const detail = await viewer.get(`/cards/${login.Login.Id}`);
    expect(detail.statusCode).toBe(200);
    const body = detail.json();
    expect(body.storedQuestions).toEqual(["What city were you born in?"]);
    expect(body.accounts.length).toBeGreaterThan(0);
    expect(body.accounts[0].balance).toHaveProperty("current");
    expect(body.accounts[0].maskedNumber).toMatch(/^•+\d{4}$/);
    // Never an answer, never a password.
    expect(detail.body).not.toContain("Montreal");
    expect(detail.body).not.toContain("Everyday");

    const all = (await viewer.get(`/cards/${login.Login.Id}/transactions`)).json();
    expect(all.total).toBeGreaterThan(0);
    const first = all.transactions[0];
    const dates = all.transactions.map((tx: { date: string }) => tx.date);
    expect([...dates].sort().reverse()).toEqual(dates);
    const word = first.description.split(" ")[0].toLowerCase();
    const searched = (await viewer.get(`/cards/${login.Login.Id}/transactions?search=${encodeURIComponent(word)}`)).json();
    expect(searched.total).toBeGreaterThan(0);
    expect(searched.transactions.every((tx: { description: string }) => tx.description.toLowerCase().includes(word))).toBe(true);
    const oneAccount = (await viewer.get(`/cards/${login.Login.Id}/transactions?accountId=${body.accounts[0].accountId}`)).json();
    expect(oneAccount.transactions.every((tx: { accountId: string }) => tx.accountId === body.accounts[0].accountId)).toBe(true);
    const oneDay = (await viewer.get(`/cards/${login.Login.Id}/transactions?from=${first.date}&to=${first.date}`)).json();
    expect(oneDay.transactions.every((tx: { date: string }) => tx.date === first.date)).toBe(true);
    expect(oneDay.total).toBeLessThanOrEqual(all.total);
  });

  it("lists a card's statements by account and month and serves each as the same PDF as /GetStatements", async () => {
    const login = await connected();
    const { statements } = (await viewer.get(`/cards/${login.Login.Id}/statements`)).json();
    expect(statements.length).toBeGreaterThan(0);
    expect(statements[0].months).toHaveLength(12);
    expect(statements[0].months[0]).toBe("2025-12");
    const pdf = await viewer.get(`/cards/${login.Login.Id}/statements/${statements[0].accountId}/2025-12`);
    expect(pdf.statusCode).toBe(200);
    expect(pdf.headers["content-type"]).toBe("application/pdf");
    expect(pdf.rawPayload.subarray(0, 5).toString("latin1")).toBe("%PDF-");
    const flinks = await t.post("GetStatements", { RequestId: login.RequestId }, t.apiKeyHeaders());
    const wire = flinks.json().StatementsByAccount.flatMap((a: { Statements: Array<{ Base64Bytes: string }> }) => a.Statements);
    expect(wire.map((st: { Base64Bytes: string }) => st.Base64Bytes)).toContain(pdf.rawPayload.toString("base64"));

    expect((await viewer.get(`/cards/${login.Login.Id}/statements/${statements[0].accountId}/1999-01`)).statusCode).toBe(400);
    const stranger = await signInDashboard(t, await t.addCustomer());
    expect((await stranger.get(`/cards/${login.Login.Id}/statements`)).json().FlinksCode).toBe("INVALID_LOGIN");
    expect((await stranger.get(`/cards/${login.Login.Id}/statements/${statements[0].accountId}/2025-12`)).json().FlinksCode).toBe(
      "INVALID_LOGIN",
    );
  });

  it("shows a session's timeline: login, 203 with its prompt, the wrong answer, the answer, 200 — never the answers", async () => {
    const token = await t.generateToken();
    const first = await t.post(
      "Authorize",
      { Institution: "FlinksCapital", Username: "Greatday", Password: "Everyday", MostRecentCached: false, Save: true },
      { "flinks-auth-key": token },
    );
    const { RequestId } = first.json();
    const prompt = first.json().SecurityChallenges[0].Prompt;
    await t.post("Authorize", { RequestId, SecurityResponses: { [prompt]: ["Paris"] } }, { "flinks-auth-key": token });
    const answered = await t.post("Authorize", { RequestId, SecurityResponses: { [prompt]: ["Montreal"] } }, { "flinks-auth-key": token });
    expect(answered.statusCode).toBe(200);

    const timeline = await viewer.get(`/sessions/${RequestId}`);
    expect(timeline.statusCode).toBe(200);
    const steps = timeline.json().steps as Array<{ kind: string; code: string | null; prompts: string[]; at: string }>;
    expect(steps.map((s) => (s.code ? `${s.kind}:${s.code}` : s.kind))).toEqual([
      "login",
      "challenge",
      "answer",
      "challenge:INVALID_SECURITY_RESPONSE",
      "answer",
      "authorized",
    ]);
    expect(steps[1]?.prompts).toEqual([prompt]);
    expect(timeline.body).not.toContain("Montreal");
    expect(timeline.body).not.toContain("Paris");

    const sessions = (await viewer.get("/sessions")).json();
    expect(sessions.sessions[0]).toMatchObject({ requestId: RequestId, state: "authorized", expired: false });
    expect(Date.parse(sessions.now)).toBeGreaterThan(0);
  });

  it("a waiting session expires when the clock is advanced: the list says so and the timeline ends with it", async () => {
    const pending = await t.authorize({
      Institution: "FlinksCapital",
      Username: "Greatday",
      Password: "Everyday",
      MostRecentCached: false,
    });
    expect(pending.statusCode).toBe(203);
    const { RequestId } = pending.json();
    const before = (await viewer.get("/sessions")).json().sessions[0];
    expect(before).toMatchObject({
      requestId: RequestId,
      state: "challenged",
      expired: false,
      pendingPrompts: ["What city were you born in?"],
    });

    const advanced = await viewer.change("POST", "/clock/advance", { seconds: 9 * 60 });
    expect(advanced.statusCode).toBe(200);
    const after = (await viewer.get("/sessions")).json().sessions[0];
    expect(after.expired).toBe(true);
    const steps = (await viewer.get(`/sessions/${RequestId}`)).json().steps;
    expect(steps.map((s: { kind: string }) => s.kind)).toEqual(["login", "challenge", "expired"]);
  });

  it("a viewer sees only its own customer's cards, sessions and webhook events", async () => {
    await t.app.inject({
      method: "PUT",
      url: "/dashboard/api/webhooks/receiver",
      payload: { url: receiver.url },
      headers: { cookie: viewer.cookie, "x-dashboard-csrf": viewer.csrfToken },
    });
    const login = await connected();
    const mine = (await viewer.get("/webhooks")).json().deliveries;
    expect(mine.length).toBeGreaterThan(0);

    const other = await t.addCustomer();
    const stranger = await signInDashboard(t, other);
    expect((await stranger.get("/cards")).json().cards).toEqual([]);
    expect((await stranger.get("/sessions")).json().sessions).toEqual([]);
    expect((await stranger.get("/webhooks")).json()).toEqual({ receiver: null, deliveries: [] });
    expect((await stranger.get(`/cards/${login.Login.Id}`)).json().FlinksCode).toBe("INVALID_LOGIN");
    expect((await stranger.get(`/cards/${login.Login.Id}/transactions`)).json().FlinksCode).toBe("INVALID_LOGIN");
    expect((await stranger.get(`/sessions/${login.RequestId}`)).json().FlinksCode).toBe("SESSION_NONEXISTENT");
    expect((await stranger.change("DELETE", `/cards/${login.Login.Id}`)).json().FlinksCode).toBe("INVALID_LOGIN");
    expect((await stranger.change("POST", `/webhooks/${mine[0].eventId}/replay`)).json().FlinksCode).toBe("WEBHOOK_EVENT_NONEXISTENT");
    expect((await stranger.change("POST", `/cards/${login.Login.Id}/reset`)).json().FlinksCode).toBe("INVALID_LOGIN");
    // The first customer's card is untouched.
    expect((await viewer.get(`/cards/${login.Login.Id}`)).statusCode).toBe(200);
  });

  it("lists the customer's jobs (aggregation, webhook deliveries) with attempts, and none of another customer's", async () => {
    await viewer.change("PUT", "/webhooks/receiver", { url: receiver.url });
    receiver.answer(500, 500);
    const login = await connected();
    const { jobs } = (await viewer.get("/jobs")).json();
    const aggregation = jobs.find((job: { kind: string }) => job.kind === "aggregate");
    expect(aggregation).toMatchObject({ state: "done", attempts: 1, subject: login.Login.Id });
    const deliveries = jobs.filter((job: { kind: string }) => job.kind === "webhook-delivery");
    expect(deliveries.length).toBeGreaterThan(0);
    expect(deliveries.some((job: { state: string; lastError: string | null }) => job.state === "failed" && job.lastError)).toBe(true);

    const stranger = await signInDashboard(t, await t.addCustomer());
    expect((await stranger.get("/jobs")).json().jobs).toEqual([]);
  });

  it("DeleteCard removes the card, its sessions and timelines, its data and its webhook events", async () => {
    await viewer.change("PUT", "/webhooks/receiver", { url: receiver.url });
    const login = await connected();
    expect((await viewer.get("/webhooks")).json().deliveries.length).toBeGreaterThan(0);
    const deleted = await viewer.change("DELETE", `/cards/${login.Login.Id}`);
    expect(deleted.statusCode).toBe(200);
    expect((await viewer.get("/cards")).json().cards).toEqual([]);
    expect((await viewer.get(`/cards/${login.Login.Id}`)).json().FlinksCode).toBe("INVALID_LOGIN");
    expect((await viewer.get(`/sessions/${login.RequestId}`)).json().FlinksCode).toBe("SESSION_NONEXISTENT");
    expect((await viewer.get("/webhooks")).json().deliveries).toEqual([]);
    expect(await t.deps.storage.dashboard.sessionEvents(t.customer.customerId, login.RequestId)).toEqual([]);
  });

  it("a failed webhook is replayed and then shows as delivered; the receiver is shown without its secret", async () => {
    const set = await viewer.change("PUT", "/webhooks/receiver", { url: receiver.url });
    expect(set.statusCode).toBe(200);
    expect(set.json().generatedSecret).toMatch(/^[\w-]{32,}$/);
    receiver.answer(500, 500);
    await connected();
    const failed = (await viewer.get("/webhooks")).json();
    expect(failed.receiver.url).toBe(receiver.url);
    expect(JSON.stringify(failed)).not.toContain(set.json().generatedSecret);
    const event = failed.deliveries.find((d: { state: string }) => d.state === "failed");
    expect(event.attempts[0].statusCode).toBe(500);

    const replayed = await viewer.change("POST", `/webhooks/${event.eventId}/replay`);
    expect(replayed.statusCode).toBe(200);
    await t.deps.runner.runUntilIdle();
    const after = (await viewer.get("/webhooks")).json().deliveries.find((d: { eventId: string }) => d.eventId === event.eventId);
    expect(after.state).toBe("delivered");
    expect(after.attempts.map((a: { statusCode: number }) => a.statusCode)).toEqual([500, 200]);
  });

  it("usage counts today's billable live connection; the clock freezes, unfreezes and jumps to the nightly run", async () => {
    await connected();
    const usage = (await viewer.get("/usage")).json();
    expect(usage.days).toHaveLength(31);
    expect(usage.total).toBe(1);
    expect(usage.days.at(-1).liveConnections).toBe(1);

    expect((await viewer.change("POST", "/clock/freeze")).json().frozen).toBe(true);
    // The sessions screen learns it too: its countdowns stand still.
    expect((await viewer.get("/sessions")).json().frozen).toBe(true);
    expect((await viewer.change("POST", "/clock/unfreeze")).json().frozen).toBe(false);
    const clock = (await viewer.get("/clock")).json();
    const ran = (await viewer.change("POST", "/clock/run-nightly")).json();
    expect(Date.parse(ran.now)).toBeGreaterThanOrEqual(Date.parse(clock.nightly.nextRunAt));
    expect((await viewer.change("POST", "/clock/advance", { seconds: 0 })).statusCode).toBe(400);
  });

  it("sandbox levers on a card, and scenario scripts with their validation errors", async () => {
    const login = await connected();
    const forced = await viewer.change("PUT", `/cards/${login.Login.Id}/next-refresh`, { outcome: "failed", code: "RETRY_LATER" });
    expect(forced.statusCode).toBe(200);
    expect((await viewer.change("POST", `/cards/${login.Login.Id}/reset`)).json()).toEqual({ loginId: login.Login.Id, nextRefresh: null });

    const bad = await viewer.change("PUT", "/scripts/acme_pet", { name: "acme_pet", steps: "nope" });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().Message).toMatch(/steps/);
    const script = { name: "acme_pet", steps: [{ challenges: [{ type: "QuestionAndAnswer", prompt: "Pet?", answers: ["Rex"] }] }] };
    expect((await viewer.change("PUT", "/scripts/acme_pet", script)).statusCode).toBe(200);
    expect((await viewer.get("/scripts/acme_pet")).json()).toMatchObject(script);
    // Registered through the control plane too: both are listed.
    const viaSandbox = await t.app.inject({
      method: "PUT",
      url: `/sandbox/v1/${t.customer.customerId}/scripts/acme_other`,
      headers: { "flinks-auth-key": t.customer.secretKey },
      payload: { ...script, name: "acme_other" },
    });
    expect(viaSandbox.statusCode).toBe(200);
    expect((await viewer.get("/scripts")).json()).toEqual({ names: ["acme_other", "acme_pet"] });
    const stranger = await signInDashboard(t, await t.addCustomer());
    expect((await stranger.get("/scripts")).json()).toEqual({ names: [] });
  });
});

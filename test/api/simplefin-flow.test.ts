/**
 * SimpleFIN end to end through the Flinks API, on SQLite and PostgreSQL: the sandbox
 * institution `SimpleFINSandbox` reaches bankgate's own SimpleFIN simulator (/sim/simplefin)
 * over real HTTP, so the app listens on 127.0.0.1. One card's life, in order: a live /Authorize
 * with a setup token, the data compared with what the simulator generated, the summary, the
 * statements (PDFs read back), cached /Authorize, a nightly refresh, the access revoked at the
 * simulator (the nightly records RECONNECT_REQUIRED; the app's live refresh asks for a new
 * setup token), and /DeleteCard, after which neither setup token nor access URL is anywhere in
 * the store, in clear or sealed.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { simulatedAccounts } from "../../src/sim/simplefin/sim-accounts.js";
import { simScenario } from "../../src/sim/simplefin/sim-scenarios.js";
import {
  cardCalls,
  cents,
  expectCachedReplay,
  expectDeleteCardLeavesNoSecret,
  expectKeptThroughReconnect,
  expectRefreshedOvernight,
  expectStatements,
  ineligibleCards,
  newFlowCard,
  rememberAccounts,
  runNight,
  runningBalanceProblems,
  type WireAccount,
} from "../helpers/connector-flow.js";
import { scanStore } from "../helpers/store-scan.js";
import { createTestApp, type TestApp } from "../helpers/test-app.js";
import { skipPostgres } from "../helpers/test-store.js";

/** The seed app.ts mounts the simulator with (its default): the same seed and user give the same accounts. */
const SIM_SEED = "simplefin-sim";
const SIM_USER = "e2e-person";
const INSTITUTION = "SimpleFINSandbox";
const INSTITUTION_NAME = "SimpleFIN (sandbox)";
const LABEL = "My SimpleFIN accounts";
const DAY_MS = 86_400_000;

describe.each([
  { store: "sqlite" as const, skip: false },
  { store: "postgres" as const, skip: skipPostgres },
])("SimpleFIN (sandbox) end to end through the Flinks API on $store", ({ store, skip }) => {
  let t: TestApp;
  /** What the story collected on its way, for the steps after. */
  const card = newFlowCard(store);
  const calls = cardCalls(() => t, card);
  const { detail, cached } = calls;
  const secrets: Record<string, string> = {};

  beforeAll(async () => {
    if (skip) return;
    t = await createTestApp({ store, listen: true, runJobs: false });
  });
  afterAll(async () => {
    await t?.close();
  });

  /** A fresh setup token of the simulator for SIM_USER, from its own /create (it names the user, so the test can revoke them). */
  async function setupToken(): Promise<string> {
    const created = await t.app.inject({ method: "POST", url: `/sim/simplefin/create?user=${SIM_USER}&scenario=ok` });
    expect(created.statusCode).toBe(200);
    return created.body;
  }

  /**
   * The accounts bankgate shows are the simulator's, field by field: titles, balances (what a
   * card owes as a positive amount), and every transaction of the last 365 days (date,
   * description, debit or credit), with running balances that add up.
   */
  function expectSimulatorData(accounts: readonly WireAccount[], now: Date): void {
    const user = { name: SIM_USER, scenario: "ok", createdAt: now.toISOString(), accessGeneration: 0 };
    const scenario = simScenario("ok");
    if (!scenario) throw new Error("the simulator has no ok scenario");
    const simulated = simulatedAccounts(SIM_SEED, user, scenario, now);
    expect(accounts.map((a) => a.Title)).toEqual(simulated.map((a) => a.name));
    const oldestDay = new Date(Math.floor(now.getTime() / DAY_MS) * DAY_MS - 365 * DAY_MS).toISOString().slice(0, 10);
    for (const [index, account] of accounts.entries()) {
      const sim = simulated[index];
      if (!sim) throw new Error("no simulated account");
      const owed = account.Category === "Credits" ? -1 : 1;
      expect({ title: account.Title, current: cents(account.Balance.Current), available: cents(account.Balance.Available) }).toEqual({
        title: sim.name,
        current: owed * sim.balanceCents,
        available: sim.availableCents,
      });
      const shown = account.Transactions.map((x) => [x.Date, x.Description, cents(x.Debit), cents(x.Credit)].join("|")).sort();
      const served = sim.transactions
        .map((x) => ({ ...x, date: new Date(x.posted * 1000).toISOString().slice(0, 10) }))
        .filter((x) => x.date >= oldestDay)
        .map((x) => [x.date, x.description, Math.max(0, -x.amountCents), Math.max(0, x.amountCents)].join("|"))
        .sort();
      expect(served.length).toBeGreaterThan(10);
      expect(shown).toEqual(served);
      expect(runningBalanceProblems(account)).toEqual([]);
    }
  }

  it("a control-plane setup token connects a card too (POST /sandbox/v1/{customerId}/simplefin/setup-tokens)", async ({
    skip: skipTest,
  }) => {
    if (skip) return skipTest();
    const made = await t.app.inject({
      method: "POST",
      url: `/sandbox/v1/${t.customer.customerId}/simplefin/setup-tokens`,
      headers: { "flinks-auth-key": t.customer.secretKey },
      payload: { scenario: "ok" },
    });
    expect(made.statusCode).toBe(200);
    const token: string = made.json().setupToken;
    expect(Buffer.from(token, "base64").toString()).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/sim\/simplefin\/claim\/[0-9a-f]{32}$/);
    const connected = await t.authorize({ Institution: INSTITUTION, Username: "control plane card", Password: token, Save: false });
    expect(connected.statusCode, connected.body).toBe(200);
    expect(connected.json()).toMatchObject({ Institution: INSTITUTION, InstitutionName: INSTITUTION_NAME, InstitutionId: 9101 });
    secrets.controlPlaneToken = token;
  });

  it("live /Authorize with a setup token: 200 at once (no MFA), and the data is the simulator's", async ({ skip: skipTest }) => {
    if (skip) return skipTest();
    const token = await setupToken();
    secrets.setupToken = token;
    const connected = await t.authorize({
      Institution: INSTITUTION,
      Username: LABEL,
      Password: token,
      MostRecentCached: false,
      Save: true,
      ScheduleRefresh: true,
      Tag: card.tag,
    });
    expect(connected.statusCode, connected.body).toBe(200);
    const body = connected.json();
    expect(body).toMatchObject({ Institution: INSTITUTION, Login: { Username: LABEL, IsScheduledRefresh: true } });
    card.loginId = body.Login.Id;
    await t.deps.runner.runUntilIdle();

    const accounts = await detail(body.RequestId);
    expect(accounts.map((a) => [a.Category, a.Type])).toEqual([
      ["Operations", "Chequing"],
      ["Operations", "Savings"],
      ["Credits", "CreditCard"],
      ["Credits", "LineOfCredit"],
    ]);
    expectSimulatorData(accounts, t.deps.clock.now());
    rememberAccounts(card, accounts);

    const summary = await t.post("GetAccountsSummary", { RequestId: body.RequestId }, t.apiKeyHeaders());
    expect(summary.statusCode).toBe(200);
    expect(
      summary.json().Accounts.map((a: WireAccount) => ({ Id: a.Id, Title: a.Title, Balance: a.Balance, Category: a.Category })),
    ).toEqual(accounts.map((a) => ({ Id: a.Id, Title: a.Title, Balance: a.Balance, Category: a.Category })));
    // SimpleFIN shares no account numbers: nothing can be sent an EFT or e-Transfer by them.
    expect(summary.json().Accounts.map((a: { EftEligibleRatio: number }) => a.EftEligibleRatio)).toEqual(accounts.map(() => 0));
  });

  it("/GetStatements: one PDF per account, made by bankgate (it says so on every page) from the month's transactions", async ({
    skip: skipTest,
  }) => {
    if (skip) return skipTest();
    const opened = await cached();
    expect(opened.statusCode).toBe(200);
    const requestId = opened.json().RequestId;
    const accounts = await detail(requestId);
    const statements = await t.post("GetStatements", { RequestId: requestId }, t.apiKeyHeaders());
    expect(statements.statusCode).toBe(200);
    const texts = await expectStatements(statements.json(), accounts, INSTITUTION_NAME);
    expect(texts.every((text) => text.includes("Statement period:"))).toBe(true);
  });

  it("cached /Authorize: a new RequestId over the same card and the same AccountIds", async ({ skip: skipTest }) => {
    if (skip) return skipTest();
    await expectCachedReplay(card, calls);
  });

  it("the nightly refresh logs in with the stored setup token's access URL and brings the new day's data", async ({ skip: skipTest }) => {
    if (skip) return skipTest();
    const accounts = await expectRefreshedOvernight(t, card, calls, "2026-01-16");
    expectSimulatorData(accounts, t.deps.clock.now());
  });

  it("access revoked at the simulator: the nightly records RECONNECT_REQUIRED; the app's live refresh asks for a new setup token and keeps the card", async ({
    skip: skipTest,
  }) => {
    if (skip) return skipTest();
    const revoked = await t.app.inject({ method: "POST", url: `/sim/simplefin/_control/revoke?user=${SIM_USER}` });
    expect(revoked.statusCode).toBe(204);

    expect(await runNight(t, "2026-01-17")).toBe(1);
    const failed = await t.deps.storage.logins.find(t.customer.customerId, card.loginId);
    expect(failed?.lastRefreshError).toBe("RECONNECT_REQUIRED");
    expect(await ineligibleCards(t)).toEqual([
      expect.objectContaining({ LoginId: card.loginId, LastRefreshErrorCode: "RECONNECT_REQUIRED" }),
    ]);
    const replay = await cached();
    expect(replay.statusCode).toBe(401);
    expect(replay.json().FlinksCode).toBe("RECONNECT_REQUIRED");

    // Mid-Session Reconnect: the app opens a live refresh of the saved card; the person pastes a new token.
    const token = await t.generateToken();
    const headers = { "flinks-auth-key": token };
    const asked = await t.post("Authorize", { LoginId: card.loginId, MostRecentCached: false, Save: true }, headers);
    expect(asked.statusCode, asked.body).toBe(203);
    const [challenge] = asked.json().SecurityChallenges;
    expect(challenge).toEqual({ Type: "QuestionAndAnswer", Prompt: expect.stringContaining("new SimpleFIN setup token") });
    const newToken = await setupToken();
    secrets.reconnectToken = newToken;
    const answered = await t.post(
      "Authorize",
      { RequestId: asked.json().RequestId, SecurityResponses: { [challenge.Prompt]: [newToken] } },
      headers,
    );
    expect(answered.statusCode, answered.body).toBe(200);
    expect(answered.json().Login.Id).toBe(card.loginId);
    await t.deps.runner.runUntilIdle();

    const accounts = await expectKeptThroughReconnect(t, card, calls, answered.json().RequestId, "2026-01-14");
    expectSimulatorData(accounts, t.deps.clock.now());
    expect((await cached()).statusCode).toBe(200);
  });

  it("/DeleteCard: the setup tokens and access URLs are gone from every table (sealed or not) and the raw database file", async ({
    skip: skipTest,
  }) => {
    if (skip) return skipTest();
    const before = await scanStore(t.deps);
    const lookupHash = (await t.deps.storage.logins.find(t.customer.customerId, card.loginId))?.lookupHash;
    const vault = before.cells.find((cell) => cell.table === "card_vault" && cell.row.lookup_hash === lookupHash && cell.opened);
    const accessUrl: string = JSON.parse(vault?.opened ?? "{}").accessUrl;
    const access = new URL(accessUrl);
    expect(access.password.length).toBeGreaterThan(16);
    const cardSecrets = {
      setupToken: secrets.setupToken ?? "",
      reconnectToken: secrets.reconnectToken ?? "",
      claimUrl: Buffer.from(secrets.setupToken ?? "", "base64").toString(),
      accessUrl,
      accessUsername: decodeURIComponent(access.username),
      accessPassword: decodeURIComponent(access.password),
    };
    await expectDeleteCardLeavesNoSecret(t, card, calls, {
      secrets: cardSecrets,
      sealedAt: ["card_vault.value_enc: accessPassword inside a ciphertext", "logins.credentials_enc: setupToken inside a ciphertext"],
      rawSecrets: { ...cardSecrets, controlPlaneToken: secrets.controlPlaneToken ?? "" },
      dataDir: store === "sqlite" ? t.dataDir : null,
    });
  });
});

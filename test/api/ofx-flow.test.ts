/**
 * OFX Direct Connect end to end through the Flinks API, on SQLite and PostgreSQL: the sandbox
 * institution `OFXCreditUnion` reaches bankgate's own OFX simulator (/sim/ofx/ofxsim) over real
 * HTTP, so the app listens on 127.0.0.1. One card's life, in order: a live /Authorize with MFA
 * (MFACHALLENGE as a 203; a wrong answer, then the right one), the data compared with what the
 * simulator generated, the summary, the statements (PDFs read back), cached /Authorize, a
 * nightly refresh that signs on with the stored ACCESSKEY (no MFA), the bank asking MFA again
 * (the nightly records QUESTION_NOT_FOUND; the app's live refresh answers it), and /DeleteCard,
 * after which neither the password, the MFA answer, the ACCESSKEY nor the CLIENTUID is anywhere
 * in the store, in clear or sealed.
 *
 * How the bank comes to ask again: the simulator keeps the ACCESSKEYs it issued in the memory
 * of the process that mounts it, so a bankgate restarted on the same store meets a bank that no
 * longer knows the card's ACCESSKEY — as a real bank whose ACCESSKEY lapsed. The test restarts
 * the app (same store, same customer, same clock) to get there.
 */
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ManualClock } from "../../src/lib/clock.js";
import { SimBankData } from "../../src/sim/ofx/sim-bank-data.js";
import { simUserOf } from "../../src/sim/ofx/sim-users.js";
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
import { createTestApp, type TestApp, type TestCustomer } from "../helpers/test-app.js";
import { createPostgresDatabase, skipPostgres } from "../helpers/test-store.js";

const INSTITUTION = "OFXCreditUnion";
const INSTITUTION_NAME = "OFX Credit Union (sandbox)";
/** FlinksCapital's user, asked "What city were you born in?" (MFA1) through MFACHALLENGE. */
const USERNAME = "Greatday";
const PASSWORD = "Everyday";
const PROMPT = "What city were you born in?";
const ANSWER = "Montreal";
const DAY_MS = 86_400_000;

describe.each([
  { store: "sqlite" as const, skip: false },
  { store: "postgres" as const, skip: skipPostgres },
])("OFX Credit Union (sandbox) end to end through the Flinks API on $store", ({ store, skip }) => {
  let t: TestApp;
  const clock = new ManualClock();
  const customer: TestCustomer = { customerId: randomUUID(), secretKey: `secret-${randomUUID()}`, apiKey: `key-${randomUUID()}` };
  const dataDir = mkdtempSync(join(tmpdir(), "bankgate-ofx-flow-"));
  let database: { url: string; drop(): Promise<void> } | null = null;
  const card = newFlowCard(store);
  const calls = cardCalls(() => t, card);
  const { detail, cached } = calls;

  /** A bankgate over this test's store: the first start, or a restart (its simulators start afresh). */
  const startApp = () =>
    createTestApp({
      store,
      listen: true,
      runJobs: false,
      clock,
      customer,
      // No stored MFA answers: the nightly then meets the bank's question with nothing to answer it.
      env: { BANKGATE_DATA_DIR: dataDir, BANKGATE_STORE_MFA_ANSWERS: "off", ...(database ? { DATABASE_URL: database.url } : {}) },
    });

  beforeAll(async () => {
    if (skip) return;
    database = store === "postgres" ? await createPostgresDatabase("ofx_flow") : null;
    t = await startApp();
  });
  afterAll(async () => {
    await t?.close();
    await database?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  /**
   * The accounts bankgate shows are the simulated bank's, field by field: titles, account and
   * routing numbers, balances, and every transaction of the last 365 days in order — date,
   * description, debit or credit, and the running balance bankgate derived backwards from
   * LEDGERBAL, which must be the bank's own.
   */
  function expectSimulatorData(accounts: readonly WireAccount[], now: Date): void {
    const user = simUserOf(USERNAME);
    if (!user) throw new Error(`the simulator has no user ${USERNAME}`);
    const simulated = new SimBankData().accountsOf(USERNAME, user, now, now.getTime());
    expect(accounts.map((a) => a.Title)).toEqual(simulated.map((s) => s.account.title));
    const oldestDay = new Date(Math.floor(now.getTime() / DAY_MS) * DAY_MS - 365 * DAY_MS).toISOString().slice(0, 10);
    for (const [index, account] of accounts.entries()) {
      const sim = simulated[index];
      if (!sim) throw new Error("no simulated account");
      expect({
        number: account.AccountNumber,
        type: account.Type,
        current: cents(account.Balance.Current),
        available: cents(account.Balance.Available),
      }).toEqual({
        number: sim.account.accountNumber,
        type: sim.account.type,
        current: cents(sim.account.balance.current),
        available: cents(sim.account.balance.available),
      });
      const shown = account.Transactions.map((x) => [x.Date, x.Description, cents(x.Debit), cents(x.Credit), cents(x.Balance)].join("|"));
      const served = sim.account.transactions
        .filter((x) => x.date >= oldestDay)
        .map((x) => [x.date, x.description, cents(x.debit), cents(x.credit), cents(x.balance)].join("|"));
      expect(served.length).toBeGreaterThan(10);
      expect(shown).toEqual(served);
      expect(runningBalanceProblems(account)).toEqual([]);
    }
  }

  it("live /Authorize: the bank's MFACHALLENGE as a 203, a wrong answer refused, the right one 200; the data is the simulator's", async ({
    skip: skipTest,
  }) => {
    if (skip) return skipTest();
    const token = await t.generateToken();
    const headers = { "flinks-auth-key": token };
    const asked = await t.post(
      "Authorize",
      {
        Institution: INSTITUTION,
        Username: USERNAME,
        Password: PASSWORD,
        MostRecentCached: false,
        Save: true,
        ScheduleRefresh: true,
        Tag: card.tag,
      },
      headers,
    );
    expect(asked.statusCode, asked.body).toBe(203);
    // MFA107 (the client's User-Agent) is answered by the connector itself: only MFA1 is shown.
    expect(asked.json().SecurityChallenges).toEqual([{ Type: "QuestionAndAnswer", Prompt: PROMPT }]);
    const requestId = asked.json().RequestId;
    const wrong = await t.post("Authorize", { RequestId: requestId, SecurityResponses: { [PROMPT]: ["Paris"] } }, headers);
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json().FlinksCode).toBe("INVALID_SECURITY_RESPONSE");
    const answered = await t.post("Authorize", { RequestId: requestId, SecurityResponses: { [PROMPT]: [ANSWER] } }, headers);
    expect(answered.statusCode, answered.body).toBe(200);
    expect(answered.json()).toMatchObject({
      Institution: INSTITUTION,
      InstitutionName: INSTITUTION_NAME,
      InstitutionId: 9102,
      Login: { Username: USERNAME, IsScheduledRefresh: true },
    });
    card.loginId = answered.json().Login.Id;
    await t.deps.runner.runUntilIdle();

    const accounts = await detail(requestId);
    expect(accounts.map((a) => [a.Category, a.Type])).toEqual([
      ["Operations", "Chequing"],
      ["Operations", "Savings"],
      ["Credits", "CreditCard"],
      ["Credits", "LineOfCredit"],
    ]);
    expectSimulatorData(accounts, t.deps.clock.now());
    rememberAccounts(card, accounts);

    const summary = await t.post("GetAccountsSummary", { RequestId: requestId }, t.apiKeyHeaders());
    expect(summary.statusCode).toBe(200);
    expect(
      summary.json().Accounts.map((a: WireAccount) => ({ Id: a.Id, AccountNumber: a.AccountNumber, Balance: a.Balance, Title: a.Title })),
    ).toEqual(accounts.map((a) => ({ Id: a.Id, AccountNumber: a.AccountNumber, Balance: a.Balance, Title: a.Title })));
  });

  it("/GetStatements: one PDF per account, made by bankgate (it says so on every page), with the bank's own closing where it gave one", async ({
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
    // The simulated bank serves STMTENDRS (CLOSINGAVAIL): its closing balances are shown beside bankgate's.
    expect(texts.some((text) => /Reported closing:\s+[\d,.]+ \(institution's statement ending \d{4}-\d{2}-\d{2}\)/.test(text))).toBe(true);
  });

  it("cached /Authorize: a new RequestId over the same card and the same AccountIds", async ({ skip: skipTest }) => {
    if (skip) return skipTest();
    await expectCachedReplay(card, calls);
  });

  it("the nightly refresh signs on with the stored ACCESSKEY: no MFA (no stored answers exist), the new day's data", async ({
    skip: skipTest,
  }) => {
    if (skip) return skipTest();
    expect(t.config.nightly.storeMfaAnswers).toBe(false);
    const accounts = await expectRefreshedOvernight(t, card, calls, "2026-01-16");
    expectSimulatorData(accounts, t.deps.clock.now());
  });

  it("the bank asks MFA again: the nightly records QUESTION_NOT_FOUND; the app's live refresh answers it and keeps the card", async ({
    skip: skipTest,
  }) => {
    if (skip) return skipTest();
    // A restarted bankgate, same store: its simulated bank no longer knows the card's ACCESSKEY.
    await t.close();
    t = await startApp();

    expect(await runNight(t, "2026-01-17")).toBe(1);
    const failed = await t.deps.storage.logins.find(t.customer.customerId, card.loginId);
    expect(failed).toMatchObject({ refreshState: "AnsweringSecurityChallenge", lastRefreshError: "QUESTION_NOT_FOUND" });
    expect(await ineligibleCards(t)).toEqual([
      expect.objectContaining({ LoginId: card.loginId, LastRefreshErrorCode: "QUESTION_NOT_FOUND" }),
    ]);
    const questions = await t.app.inject({ method: "GET", url: t.path(`GetMFAQuestions/${card.loginId}`), headers: t.apiKeyHeaders() });
    expect(questions.json().Questions).toEqual([{ Question: PROMPT }]);
    const replay = await cached();
    expect(replay.statusCode).toBe(401);
    expect(replay.json().FlinksCode).toBe("QUESTION_NOT_FOUND");

    // Mid-Session Reconnect: the app opens a live refresh of the saved card; the person answers.
    const token = await t.generateToken();
    const headers = { "flinks-auth-key": token };
    const asked = await t.post("Authorize", { LoginId: card.loginId, MostRecentCached: false, Save: true }, headers);
    expect(asked.statusCode, asked.body).toBe(203);
    expect(asked.json().SecurityChallenges).toEqual([{ Type: "QuestionAndAnswer", Prompt: PROMPT }]);
    const answered = await t.post("Authorize", { RequestId: asked.json().RequestId, SecurityResponses: { [PROMPT]: [ANSWER] } }, headers);
    expect(answered.statusCode, answered.body).toBe(200);
    expect(answered.json().Login.Id).toBe(card.loginId);
    await t.deps.runner.runUntilIdle();
    const accounts = await expectKeptThroughReconnect(t, card, calls, answered.json().RequestId, "2026-01-14");
    expectSimulatorData(accounts, t.deps.clock.now());

    // The reconnect's new ACCESSKEY carries the next night without MFA.
    expect(await runNight(t, "2026-01-18")).toBe(1);
    expect(await t.deps.storage.logins.find(t.customer.customerId, card.loginId)).toMatchObject({
      refreshState: "Completed",
      lastRefreshError: null,
    });
  });

  it("/DeleteCard: the password, MFA answer, ACCESSKEY and CLIENTUID are gone from every table (sealed or not) and the raw database file", async ({
    skip: skipTest,
  }) => {
    if (skip) return skipTest();
    const before = await scanStore(t.deps);
    const lookupHash = (await t.deps.storage.logins.find(t.customer.customerId, card.loginId))?.lookupHash;
    const vault = before.cells.find((cell) => cell.table === "card_vault" && cell.row.lookup_hash === lookupHash && cell.opened);
    const { accessKey, clientUid } = JSON.parse(vault?.opened ?? "{}") as { accessKey: string; clientUid: string };
    expect(accessKey).toMatch(/^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$/);
    expect(clientUid).toMatch(/^[0-9a-f-]{36}$/i);
    await expectDeleteCardLeavesNoSecret(t, card, calls, {
      secrets: { password: PASSWORD, answer: ANSWER, accessKey, clientUid },
      sealedAt: ["card_vault.value_enc: accessKey inside a ciphertext", "logins.credentials_enc: password inside a ciphertext"],
      rawSecrets: { password: PASSWORD, accessKey },
      dataDir: store === "sqlite" ? dataDir : null,
    });
  });
});

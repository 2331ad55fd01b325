import type { Kysely } from "kysely";
import { afterEach, beforeEach, describe, expect, inject, it } from "vitest";
import type { Session } from "../../src/records/session.js";
import { isLiveStep } from "../../src/sessions/transitions.js";
import type { Database } from "../../src/storage/schema.js";
import { createGatedBank, type GatedBank } from "../helpers/gated-bank.js";
import { createTestApp, SANDBOX_ANSWERS, type TestApp } from "../helpers/test-app.js";

/**
 * An abandoned MFA must not lock the card: a new login with credentials, or a live refresh the
 * app starts, takes over a card whose live session only waits for its person; the older
 * RequestId then answers 400 SESSION_REPLACED. Only a session whose step is at the bank right
 * now refuses a newcomer (409 CONCURRENT_SESSION), and the nightly run never takes a card over.
 * At any moment a card has at most one live session (quality bar R3, docs/quality-bars.md).
 */
const skipPostgres = inject("databaseUrl") === "" && process.env.CI !== "true";
const CITY = "What city were you born in?";
const RIGHT = { [CITY]: ["Montreal"] };

describe.each([
  { store: "sqlite" as const, skip: false },
  { store: "postgres" as const, skip: skipPostgres },
])("taking over a card whose session waits for its person ($store)", ({ store, skip }) => {
  let t: TestApp;
  let bank: GatedBank;
  beforeEach(async () => {
    if (skip) return;
    bank = createGatedBank();
    t = await createTestApp({ store, randomInt: () => 0, connectors: bank.registry });
  });
  afterEach(() => t?.close());

  const login = (username: string, password = "Everyday") =>
    t.post(
      "Authorize",
      { Institution: "FlinksCapital", Username: username, Password: password, MostRecentCached: false, Save: true },
      t.apiKeyHeaders(),
    );
  const refresh = (loginId: string) => t.post("Authorize", { LoginId: loginId, MostRecentCached: false }, t.apiKeyHeaders());
  const poll = (RequestId: string) => t.post("Authorize", { RequestId }, t.apiKeyHeaders());
  const answer = (RequestId: string) => t.post("Authorize", { RequestId, SecurityResponses: RIGHT }, t.apiKeyHeaders());
  const outcome = (r: { statusCode: number; json(): { FlinksCode?: string } }) => ({ status: r.statusCode, code: r.json().FlinksCode });
  const REPLACED = { status: 400, code: "SESSION_REPLACED" };
  const db = () => (t.deps.storage as unknown as { db: Kysely<Database> }).db;

  /** A saved card whose next live login waits at MFA (the bank asks the city question every time). */
  async function savedCard(username: string): Promise<string> {
    return (await t.connect(username)).Login.Id;
  }

  /** At most one live session per card, and the card names it. */
  async function assertOneLiveSession(loginId: string): Promise<string | null> {
    const now = t.clock.now();
    const sessions = await Promise.all(
      (await db().selectFrom("sessions").select("request_id").where("login_id", "=", loginId).execute()).map(
        async (row) => (await t.deps.storage.sessions.find(t.customer.customerId, row.request_id)) as Session,
      ),
    );
    const live = sessions.filter((s) => isLiveStep(s, now)).map((s) => s.requestId);
    expect(live.length, `live sessions of the card: ${live.join(", ")}`).toBeLessThanOrEqual(1);
    const card = await t.deps.storage.logins.find(t.customer.customerId, loginId);
    if (live[0]) expect(card?.liveRequestId).toBe(live[0]);
    return live[0] ?? null;
  }

  it.skipIf(skip)("a person who closed the tab at the MFA prompt starts again with their password", async () => {
    const loginId = await savedCard("Greatday+tab");
    const abandoned = await login("Greatday+tab");
    expect(abandoned.statusCode).toBe(203);
    const again = await login("Greatday+tab");
    expect(again.statusCode).toBe(203);
    const newer = again.json().RequestId as string;
    expect(newer).not.toBe(abandoned.json().RequestId);

    const old = abandoned.json().RequestId as string;
    const replaced = await poll(old);
    expect(outcome(replaced)).toEqual(REPLACED);
    expect(replaced.json()).toEqual({
      HttpStatusCode: 400,
      FlinksCode: "SESSION_REPLACED",
      Message: expect.stringContaining("newer session"),
      RequestId: old,
      Institution: "FlinksCapital",
    });
    expect(outcome(await answer(old))).toEqual(REPLACED);
    expect(await assertOneLiveSession(loginId)).toBe(newer);
    expect((await answer(newer)).statusCode).toBe(200);
    expect(await assertOneLiveSession(loginId)).toBeNull();
  });

  it.skipIf(skip)("a wrong password while a session waits answers 401 INVALID_PASSWORD, never 409", async () => {
    const loginId = await savedCard("Greatday+typo");
    const waiting = (await login("Greatday+typo")).json().RequestId as string;
    const typo = await login("Greatday+typo", "Everydy");
    expect(outcome(typo)).toEqual({ status: 401, code: "INVALID_PASSWORD" });
    expect(outcome(await poll(waiting))).toEqual(REPLACED);
    expect(await assertOneLiveSession(loginId)).toBeNull();
    // The right password goes through at once.
    expect((await login("Greatday+typo")).statusCode).toBe(203);
  });

  it.skipIf(skip)("a live refresh the app starts takes the card over too", async () => {
    const loginId = await savedCard("Greatday+reconnect");
    const waiting = (await refresh(loginId)).json().RequestId as string;
    const reconnect = await refresh(loginId);
    expect(reconnect.statusCode).toBe(203);
    expect(outcome(await poll(waiting))).toEqual(REPLACED);
    expect(await assertOneLiveSession(loginId)).toBe(reconnect.json().RequestId);
  });

  it.skipIf(skip)("a session whose answer is at the bank right now refuses the newcomer with 409 and its RequestId", async () => {
    const loginId = await savedCard("Greatday+busy");
    const holder = (await login("Greatday+busy")).json().RequestId as string;
    const atBank = bank.hold("answer");
    const answering = answer(holder).then((r) => r);
    await atBank.entered;
    const newcomer = await login("Greatday+busy");
    expect(outcome(newcomer)).toEqual({ status: 409, code: "CONCURRENT_SESSION" });
    expect(newcomer.json().RequestId).toBe(holder);
    atBank.release();
    expect((await answering).statusCode).toBe(200);
    expect(bank.calls.start).toBe(2); // the first connection and the holder's login; the newcomer never reached the bank
    expect(await assertOneLiveSession(loginId)).toBeNull();
  });

  it.skipIf(skip)("the nightly run never takes a card over from a person", async () => {
    const loginId = await savedCard("Greatday+night");
    const scheduled = await t.app.inject({
      method: "PATCH",
      url: t.path("SetScheduledRefresh"),
      payload: { LoginId: loginId, IsActivated: true },
      headers: t.apiKeyHeaders(),
    });
    expect(scheduled.statusCode).toBe(200);
    await t.deps.runner.runUntilIdle();
    const waiting = (await login("Greatday+night")).json().RequestId as string;
    const logins = bank.calls.start;
    t.clock.advanceSeconds(60);
    expect(await t.deps.nightly.enqueueNight("2026-01-16")).toBe(1);
    await t.deps.runner.runUntilIdle();
    expect(bank.calls.start).toBe(logins);
    expect((await poll(waiting)).statusCode).toBe(203);
    expect(await assertOneLiveSession(loginId)).toBe(waiting);
  });

  it.skipIf(skip)("race: two newcomers take over one waiting session at once; one goes on, the other gets 409", async () => {
    const loginId = await savedCard("Greatday+pair");
    const waiting = (await login("Greatday+pair")).json().RequestId as string;
    const logins = bank.calls.start;
    const atBank = bank.hold("start");
    const both = [login("Greatday+pair").then((r) => r), refresh(loginId).then((r) => r)];
    // The winner is held at the bank, so the first to settle is the loser.
    const loser = await Promise.race(both);
    expect(outcome(loser)).toEqual({ status: 409, code: "CONCURRENT_SESSION" });
    atBank.release();
    const settled = await Promise.all(both);
    expect(settled.map((r) => r.statusCode).sort()).toEqual([203, 409]);
    expect(bank.calls.start - logins).toBe(1);
    const winner = settled.find((r) => r.statusCode === 203)?.json().RequestId as string;
    expect(loser.json().RequestId).toBe(winner);
    expect(outcome(await poll(waiting))).toEqual(REPLACED);
    expect(await assertOneLiveSession(loginId)).toBe(winner);
  });

  it.skipIf(skip)("race: a takeover against the person's own answer, at many interleavings: never both at once", async () => {
    const seen = new Set<string>();
    for (const answerFirst of [true, false]) {
      // Event-loop turns between the two requests; "settled" waits for the first one's answer,
      // so each order has one case whose interleaving the machine's speed cannot change.
      for (const delay of [0, 1, 2, 3, 5, 8, 13, "settled"] as const) {
        const username = `Greatday+duel-${answerFirst}-${delay}`;
        const loginId = await savedCard(username);
        const waiting = (await login(username)).json().RequestId as string;
        const first = (answerFirst ? answer(waiting) : login(username)).then((r) => r);
        if (delay === "settled") await first;
        else for (let y = 0; y < delay; y++) await new Promise((resolve) => setImmediate(resolve));
        const second = await (answerFirst ? login(username) : answer(waiting));
        const [old, newcomer] = answerFirst ? [await first, second] : [second, await first];
        const where = `${answerFirst ? "answer" : "newcomer"} first, ${delay} yields: answer ${old.statusCode} ${old.body}; newcomer ${newcomer.statusCode} ${newcomer.body}`;
        let interleaving: string;
        if (newcomer.statusCode === 409) {
          // The answer was at the bank: it goes on, the newcomer is refused.
          expect(outcome(newcomer), where).toEqual({ status: 409, code: "CONCURRENT_SESSION" });
          expect(old.statusCode, where).toBe(200);
          interleaving = "answer at the bank, newcomer refused";
        } else if (old.statusCode === 200) {
          // The answer was done before the newcomer came: nothing to take over.
          expect(newcomer.statusCode, where).toBe(203);
          interleaving = "answer done first, newcomer goes on";
        } else {
          // The newcomer ended the waiting session first: the answer never reached the bank.
          expect(newcomer.statusCode, where).toBe(203);
          expect([REPLACED, { status: 409, code: "SESSION_BUSY" }], where).toContainEqual(outcome(old));
          interleaving = "taken over before the answer";
        }
        if (delay === "settled") {
          expect(interleaving, where).toBe(answerFirst ? "answer done first, newcomer goes on" : "taken over before the answer");
        }
        seen.add(interleaving);
        const live = await assertOneLiveSession(loginId);
        expect(live, where).toBe(newcomer.statusCode === 203 ? newcomer.json().RequestId : null);
      }
    }
    console.info(`takeover race interleavings seen: ${[...seen].join("; ")}`);
    // Which of the racing interleavings happen depends on the machine; the settled cases make
    // sure at least two of the three were checked.
    expect(seen.size, [...seen].join("; ")).toBeGreaterThanOrEqual(2);
  });
});

describe("a replaced RequestId in the answer of every call on it", () => {
  let t: TestApp;
  afterEach(() => t?.close());

  it("data calls and polls of a replaced session answer their usual codes, with the catalogued body", async () => {
    t = await createTestApp({ randomInt: () => 0 });
    const loginId = (await t.connect("Greatday+calls")).Login.Id;
    const first = await t.post("Authorize", { LoginId: loginId, MostRecentCached: false }, t.apiKeyHeaders());
    const second = await t.post("Authorize", { LoginId: loginId, MostRecentCached: false }, t.apiKeyHeaders());
    expect(second.statusCode).toBe(203);
    const old = first.json().RequestId as string;
    const asyncPoll = await t.post("AuthorizeAsync", { RequestId: old }, t.apiKeyHeaders());
    expect({ status: asyncPoll.statusCode, code: asyncPoll.json().FlinksCode }).toEqual({ status: 400, code: "SESSION_REPLACED" });
    const data = await t.post("GetAccountsDetail", { RequestId: old }, t.apiKeyHeaders());
    expect({ status: data.statusCode, code: data.json().FlinksCode }).toEqual({ status: 401, code: "UNAUTHORIZED" });
    const prompt = second.json().SecurityChallenges[0].Prompt as string;
    const done = await t.post(
      "Authorize",
      { RequestId: second.json().RequestId, SecurityResponses: { [prompt]: [SANDBOX_ANSWERS[prompt]] } },
      t.apiKeyHeaders(),
    );
    expect(done.statusCode).toBe(200);
  });
});

import { randomUUID } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { LightMyRequestResponse } from "fastify";
import type { Kysely } from "kysely";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, inject, it } from "vitest";
import type { Database } from "../../src/storage/schema.js";
import { rawFileHits, rowsNaming } from "../helpers/card-traces.js";
import { createGatedBank, type GatedBank, type Step } from "../helpers/gated-bank.js";
import { createTestApp, type TestApp } from "../helpers/test-app.js";

/**
 * /DeleteCard always succeeds: it ends the card's sessions, cancels its jobs and answers 200,
 * and nothing still in flight can write the card back. Each race holds the other party at a
 * point of its work (the bank's data fetch, the bank's answer, the nightly login, the webhook
 * receiver) or lets it run for a few event-loop turns, deletes the card, lets the other party
 * finish, and then checks that no row of any table, and (SQLite) no byte of the raw database
 * files, names the card: its LoginId, identity hash, RequestIds, Tag or AccountIds (quality
 * bars R3 and S7, docs/quality-bars.md).
 */
const skipPostgres = inject("databaseUrl") === "" && process.env.CI !== "true";
const CITY = { "What city were you born in?": ["Montreal"] };
/** What the bank may say to an MFA answer: each commits something else (the card, a new question, a failure). */
const ANSWER_OUTCOMES = [
  {
    outcome: "accepted",
    user: "Greatday",
    answer: CITY,
    committed: (r: LightMyRequestResponse) => r.statusCode === 200,
    heldCode: "INVALID_LOGIN",
  },
  {
    outcome: "another question",
    user: "mfa_rounds_2",
    answer: CITY,
    committed: (r: LightMyRequestResponse) => r.statusCode === 203,
    heldCode: "SESSION_NONEXISTENT",
  },
  {
    outcome: "refused",
    user: "Greatday",
    answer: { "What city were you born in?": ["Toronto"] },
    committed: (r: LightMyRequestResponse) => r.json().FlinksCode === "INVALID_SECURITY_RESPONSE",
    heldCode: "SESSION_NONEXISTENT",
  },
] as const;
/** "held": the other party waits at its gate while the card is deleted; a number: event-loop turns before the delete. */
const INTERLEAVINGS = ["held", 0, 1, 3, 8, 21] as const;

const yieldTurns = async (turns: number) => {
  for (let i = 0; i < turns; i++) await new Promise((resolve) => setImmediate(resolve));
};

/** A webhook receiver whose answers wait while it is held: a delivery "in flight" for as long as a test needs. */
class HeldReceiver {
  #release: () => void = () => {};
  #held: Promise<void> = Promise.resolve();
  #arrived: () => void = () => {};
  entered: Promise<void> = Promise.resolve();
  requests = 0;
  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(): Promise<HeldReceiver> {
    let receiver: HeldReceiver | undefined;
    const server = createServer((request, response) => {
      request.resume();
      request.on("end", () => {
        if (!receiver) return;
        receiver.requests++;
        receiver.#arrived();
        void receiver.#held.then(() => response.writeHead(200).end("ok"));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    receiver = new HeldReceiver(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`);
    return receiver;
  }

  hold(): void {
    this.#held = new Promise((resolve) => {
      this.#release = resolve;
    });
    this.entered = new Promise((resolve) => {
      this.#arrived = resolve;
    });
  }

  release(): void {
    this.#release();
  }

  close(): Promise<void> {
    this.release();
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

describe.each([
  { store: "sqlite" as const, skip: false },
  { store: "postgres" as const, skip: skipPostgres },
])("DeleteCard always succeeds, and nothing in flight writes the card back ($store)", ({ store, skip }) => {
  let t: TestApp;
  let bank: GatedBank;
  let receiver: HeldReceiver;
  beforeAll(async () => {
    receiver = await HeldReceiver.start();
  });
  afterAll(() => receiver?.close());
  beforeEach(async () => {
    if (skip) return;
    bank = createGatedBank();
    t = await createTestApp({ store, runJobs: false, randomInt: () => 0, connectors: bank.registry });
  });
  afterEach(() => t?.close());

  const db = () => (t.deps.storage as unknown as { db: Kysely<Database> }).db;
  const deleteCard = (loginId: string) =>
    t.app.inject({ method: "DELETE", url: t.path(`DeleteCard/${loginId}`), headers: t.apiKeyHeaders() });
  const liveLogin = (Username: string, Tag: string) =>
    t.post(
      "Authorize",
      { Institution: "FlinksCapital", Username, Password: "Everyday", MostRecentCached: false, Save: true, Tag },
      t.apiKeyHeaders(),
    );
  const runJobs = () => t.deps.runner.runUntilIdle();

  /** What names the card: its LoginId and identity hash, every RequestId of it, its Tag, its AccountIds. */
  async function markersOf(loginId: string, tag: string): Promise<string[]> {
    const card = await db().selectFrom("logins").select("lookup_hash").where("id", "=", loginId).executeTakeFirstOrThrow();
    const sessions = await db().selectFrom("sessions").select("request_id").where("login_id", "=", loginId).execute();
    const snapshot = await db().selectFrom("snapshots").select("payload").where("login_id", "=", loginId).executeTakeFirst();
    const accountIds = snapshot ? (JSON.parse(snapshot.payload) as { accounts: Array<{ id: string }> }).accounts.map((a) => a.id) : [];
    return [loginId, card.lookup_hash, tag, ...sessions.map((s) => s.request_id), ...accountIds];
  }

  /** Before: the scans see the card (they are not blind). After: they see nothing of it. */
  async function expectTraces(markers: readonly string[], present: boolean, where: string): Promise<void> {
    const rows = await rowsNaming(t, markers);
    if (present) expect(rows, where).toContain(`logins: ${markers[0]}`);
    else expect(rows, where).toEqual([]);
    if (store !== "sqlite") return;
    const raw = rawFileHits(t.dataDir, markers);
    if (present) expect(raw.length, where).toBeGreaterThan(0);
    else expect(raw, where).toEqual([]);
  }

  async function expectDeleted(loginId: string, response: { statusCode: number; json(): unknown }, where: string) {
    expect(response.statusCode, where).toBe(200);
    expect(response.json(), where).toEqual({
      StatusCode: 200,
      Message: `All of the information about LoginId ${loginId} has been removed`,
      HttpStatusCode: 200,
    });
  }

  it.skipIf(skip)("answers 200 at once while a session waits at MFA and an aggregation is queued; the RequestIds die with it", async () => {
    const tag = `tag-${randomUUID()}`;
    const login = (await liveLogin("greatday_nomfa+queued", tag)).json();
    const loginId = login.Login.Id as string;
    const waiting = (await t.post("Authorize", { LoginId: loginId, MostRecentCached: false }, t.apiKeyHeaders())).json();
    expect((await db().selectFrom("jobs").select("state").where("singleton_key", "=", `aggregate:${loginId}`).execute()).length).toBe(1);
    const markers = await markersOf(loginId, tag);
    await expectTraces(markers, true, "before");
    await expectDeleted(loginId, await deleteCard(loginId), "queued");
    for (const RequestId of [login.RequestId, waiting.RequestId]) {
      const late = await t.post("Authorize", { RequestId, SecurityResponses: CITY }, t.apiKeyHeaders());
      expect(late.json().FlinksCode).toBe("SESSION_NONEXISTENT");
    }
    await runJobs();
    await expectTraces(markers, false, "after");
    expect((await deleteCard(loginId)).json().FlinksCode).toBe("INVALID_LOGIN");
  });

  it.skipIf(skip)("race: DeleteCard during an aggregation", async () => {
    for (const turn of INTERLEAVINGS) {
      const tag = `tag-${randomUUID()}`;
      const login = (await liveLogin(`greatday_nomfa+agg-${turn}`, tag)).json();
      const loginId = login.Login.Id as string;
      const markers = await markersOf(loginId, tag);
      const { deleted } = await deleteDuring(loginId, turn, "fetchData", runJobs);
      await expectGoneAfterRace(loginId, deleted, markers, `interleaving ${turn}`);
    }
  });

  /**
   * Starts `work`, deletes the card while it runs — held inside the bank's `step`, or after
   * `turn` turns of the event loop — and returns the delete's answer and what the work came to.
   */
  async function deleteDuring<T>(loginId: string, turn: (typeof INTERLEAVINGS)[number], step: Step, work: () => Promise<T>) {
    const gate = turn === "held" ? bank.hold(step) : null;
    const running = work();
    if (gate) await gate.entered;
    else if (turn !== "held") await yieldTurns(turn);
    const deleted = await deleteCard(loginId);
    gate?.release();
    return { deleted, outcome: await running };
  }

  /** A connected card of `username` whose refresh (LoginId, live) waits at the bank's question; the markers of its traces. */
  async function cardAskedAgain(username: string): Promise<{ loginId: string; requestId: string; markers: string[] }> {
    const tag = `tag-${randomUUID()}`;
    const loginId = (await t.connect(username, { Tag: tag })).Login.Id;
    await runJobs();
    const refresh = await t.post("Authorize", { LoginId: loginId, MostRecentCached: false, Tag: tag }, t.apiKeyHeaders());
    expect(refresh.statusCode).toBe(203);
    return { loginId, requestId: refresh.json().RequestId, markers: await markersOf(loginId, tag) };
  }

  const answerChallenge = (requestId: string, answer: Record<string, readonly string[]>) =>
    t.post("Authorize", { RequestId: requestId, SecurityResponses: answer }, t.apiKeyHeaders());

  /** After a race: what is still queued runs, the delete answered as it must, and none of the card's traces remain. */
  async function expectGoneAfterRace(loginId: string, deleted: LightMyRequestResponse, markers: string[], where: string) {
    await runJobs();
    await expectDeleted(loginId, deleted, where);
    await expectTraces([...markers, ...(await publishedAccountIds(loginId))], false, where);
  }

  /** AccountIds published after the markers were taken, if any aggregation got through first (none may remain). */
  async function publishedAccountIds(loginId: string): Promise<string[]> {
    const snapshots = await db().selectFrom("snapshots").select("payload").where("login_id", "=", loginId).execute();
    return snapshots.flatMap((s) => (JSON.parse(s.payload) as { accounts: Array<{ id: string }> }).accounts.map((a) => a.id));
  }

  it.skipIf(skip)("race: DeleteCard during an MFA answer at the bank, which accepts it, asks again or refuses it", async () => {
    for (const { outcome, user, answer, committed, heldCode } of ANSWER_OUTCOMES) {
      for (const turn of INTERLEAVINGS) {
        const { loginId, requestId, markers } = await cardAskedAgain(`${user}+mfa-${turn}`);
        await expectTraces(markers, true, `before, ${outcome}, interleaving ${turn}`);
        const { deleted, outcome: answered } = await deleteDuring(loginId, turn, "answer", () => answerChallenge(requestId, answer));
        const where = `${outcome}, interleaving ${turn}: answer ${answered.statusCode} ${answered.body.slice(0, 120)}`;
        // Committed before the delete (then deleted with the card), or refused: the card is gone.
        if (!committed(answered)) expect(["INVALID_LOGIN", "SESSION_NONEXISTENT"], where).toContain(answered.json().FlinksCode);
        if (turn === "held") expect(answered.json().FlinksCode, where).toBe(heldCode);
        await expectGoneAfterRace(loginId, deleted, markers, where);
      }
    }
  });

  it.skipIf(skip)(
    "race: DeleteCard after the answer step read the card, before it reserved the attempt: no counter outlives the card",
    async () => {
      const store = t.deps.storage.attempts;
      const find = store.find.bind(store);
      for (const { user, answer, outcome } of ANSWER_OUTCOMES) {
        const { loginId, requestId, markers } = await cardAskedAgain(`${user}+reserve-${randomUUID()}`);
        // The reservation's first read of the card's counter is where the delete lands.
        let deleted: LightMyRequestResponse | undefined;
        store.find = async (subjectKey) => {
          if (subjectKey === `card:${loginId}` && !deleted) deleted = await deleteCard(loginId);
          return find(subjectKey);
        };
        try {
          const answered = await answerChallenge(requestId, answer);
          const where = `${outcome}: answer ${answered.statusCode} ${answered.body.slice(0, 120)}`;
          expect(["INVALID_LOGIN", "SESSION_NONEXISTENT"], where).toContain(answered.json().FlinksCode);
          await expectGoneAfterRace(loginId, deleted as LightMyRequestResponse, markers, where);
        } finally {
          store.find = find;
        }
      }
    },
  );

  it.skipIf(skip)("race: DeleteCard during a nightly refresh, with a webhook receiver that would hear of its failure", async () => {
    await configureReceiver();
    for (const [i, turn] of INTERLEAVINGS.entries()) {
      const tag = `tag-${randomUUID()}`;
      const loginId = (await t.connect(`Greatday+night-${turn}`, { Tag: tag, ScheduleRefresh: true })).Login.Id;
      await runJobs();
      const night = `2026-02-${String(i + 10).padStart(2, "0")}`;
      expect(await t.deps.nightly.enqueueNight(night)).toBeGreaterThanOrEqual(1);
      const markers = await markersOf(loginId, tag);
      const { deleted } = await deleteDuring(loginId, turn, "start", runJobs);
      await expectGoneAfterRace(loginId, deleted, markers, `interleaving ${turn}`);
    }
  });

  it.skipIf(skip)("race: DeleteCard during a webhook delivery", async () => {
    await configureReceiver();
    for (const turn of INTERLEAVINGS) {
      const tag = `tag-${randomUUID()}`;
      const login = (await liveLogin(`greatday_nomfa+hook-${turn}`, tag)).json();
      const loginId = login.Login.Id as string;
      // The aggregation commits the card's data and its KYC and GetAccountsDetail events.
      receiver.hold();
      const before = receiver.requests;
      const running = runJobs();
      if (turn === "held") await receiver.entered;
      else {
        await markersOf(loginId, tag); // the aggregation may or may not be done by now
        await yieldTurns(turn);
      }
      const markers = await markersOf(loginId, tag);
      const deleted = await deleteCard(loginId);
      receiver.release();
      await running;
      await runJobs();
      await expectDeleted(loginId, deleted, `interleaving ${turn}`);
      await expectTraces(markers, false, `interleaving ${turn}`);
      expect(await db().selectFrom("webhook_attempts").selectAll().execute(), `interleaving ${turn}`).toEqual([]);
      if (turn === "held") expect(receiver.requests - before).toBeGreaterThan(0);
    }
  });

  async function configureReceiver(): Promise<void> {
    const configured = await t.app.inject({
      method: "PUT",
      url: `/bankgate/v1/${t.customer.customerId}/webhooks`,
      headers: { "flinks-auth-key": t.customer.secretKey },
      payload: { Url: receiver.url },
    });
    expect(configured.statusCode, configured.body).toBe(200);
  }
});

/**
 * Master-key rotation (quality bar S3, docs/decisions.md "Master-key rotation") on SQLite and
 * PostgreSQL, in three servers over one store:
 * 1. keys "old": a saved card (username, credentials), stored MFA answers, a card-vault value,
 *    a webhook receiver (secret) with events (bodies) whose deliveries wait in the queue, a
 *    session at its MFA challenge (credentials, connector state), an /AuthorizeAsync answer
 *    waiting in the queue (a sealed job payload), the index key;
 * 2. keys "new,old": readers decrypt every kind of secret over and over while the rotation
 *    runs page by page — 0 failures — and the rotation leaves nothing under "old";
 * 3. keys "new" alone: the server starts and every secret still works (data calls, answering
 *    the challenge, a live refresh with the saved credentials, stored answers, the card vault,
 *    the queued answer, the queued webhook deliveries, signed with the same secret).
 */
import { createHmac, randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MasterKeyRotation, type RotationReport } from "../../src/jobs/master-key-rotation.js";
import { SEALED_VALUE_AADS } from "../../src/jobs/sealed-columns.js";
import { CardSecrets } from "../../src/logins/card-secrets.js";
import { CardVaults } from "../../src/logins/card-vaults.js";
import type { Storage } from "../../src/storage/storage.js";
import { parseMasterKeys } from "../../src/vault/master-keys.js";
import { Vault } from "../../src/vault/vault.js";
import { createTestApp, SANDBOX_ANSWERS, type TestApp, type TestCustomer } from "../helpers/test-app.js";
import { createPostgresDatabase, skipPostgres } from "../helpers/test-store.js";
import { WebhookReceiver } from "../helpers/webhook-receiver.js";

const OLD = `old:${randomBytes(32).toString("base64")}`;
const NEW = `new:${randomBytes(32).toString("base64")}`;
const WEBHOOK_SECRET = "rotation-webhook-secret-0123";
const PET_QUESTION = "What is the name of your first pet?";

function isAuthentic(rawBody: Buffer, header: unknown): boolean {
  return header === createHmac("sha256", Buffer.from(WEBHOOK_SECRET, "utf8")).update(rawBody).digest("base64");
}

describe.each(["sqlite", "postgres"] as const)("master-key rotation: %s", (store) => {
  describe.skipIf(store === "postgres" && skipPostgres)(`${store} store`, () => {
    const dataDir = mkdtempSync(join(tmpdir(), "bankgate-rotation-"));
    let database: { url: string; drop(): Promise<void> } | null = null;
    let receiver: WebhookReceiver;
    let customer: TestCustomer;
    /** What the first server left behind. */
    const left = {
      loginId: "",
      lookupHash: "",
      challengeRequestId: "",
      challengeToken: "",
      prompt: "",
      deliveryJobIds: [] as string[],
      queuedAnswerRequestId: "",
    };

    beforeAll(async () => {
      receiver = await WebhookReceiver.start();
      if (store === "postgres") database = await createPostgresDatabase("rotation");
    });
    afterAll(async () => {
      await receiver.close();
      await database?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    });

    /** A server over the shared store with these master keys; every one after the first serves the first one's customer. */
    const server = (keys: string, options: { first?: boolean } = {}) =>
      createTestApp({
        store,
        runJobs: false,
        randomInt: () => 0,
        env: {
          BANKGATE_MASTER_KEYS: keys,
          BANKGATE_DATA_DIR: dataDir,
          ...(database ? { DATABASE_URL: database.url } : {}),
          ...(options.first
            ? {}
            : { BANKGATE_CUSTOMER_ID: customer.customerId, BANKGATE_SECRET_KEY: customer.secretKey, BANKGATE_API_KEY: customer.apiKey }),
        },
      });
    const bearer = () => ({ authorization: `Bearer ${customer.apiKey}` });
    const apiKey = () => ({ "x-api-key": customer.apiKey });
    const inject = (t: TestApp, method: "GET" | "POST" | "PATCH", operation: string, headers: Record<string, string>, payload?: object) =>
      t.app.inject({ method, url: t.path(operation, customer.customerId), headers, ...(payload ? { payload } : {}) });

    /** A cached session and its data: decrypts the card's username. */
    async function readCard(t: TestApp): Promise<number> {
      const cached = await inject(t, "POST", "Authorize", bearer(), { LoginId: left.loginId, MostRecentCached: true });
      if (cached.statusCode !== 200) throw new Error(`cached /Authorize: ${cached.body}`);
      const detail = await inject(t, "POST", "GetAccountsDetail", apiKey(), { RequestId: cached.json().RequestId });
      if (detail.statusCode !== 200) throw new Error(`GetAccountsDetail: ${detail.body}`);
      return detail.json().Accounts.length;
    }

    async function storedQuestions(t: TestApp): Promise<string[]> {
      const reply = await inject(t, "GET", `GetMFAQuestions/${left.loginId}`, apiKey());
      if (reply.statusCode !== 200) throw new Error(`GetMFAQuestions: ${reply.body}`);
      return reply.json().Questions.map((q: { Question: string }) => q.Question);
    }

    it("1. keys old: every kind of secret is stored", async () => {
      const t = await server(OLD, { first: true });
      customer = t.customer;
      try {
        // The two events of the first card's aggregation fail once and wait in the queue, 30 min.
        receiver.answer(500, 500);
        await t.deps.api.webhookSettings.configure(customer.customerId, receiver.url, WEBHOOK_SECRET);
        const connected = await t.connect("Greatday");
        left.loginId = connected.Login.Id;
        await t.deps.runner.runUntilIdle();
        // More cards, more values: the rotation takes more steps for the readers to run between.
        await t.deps.api.webhookSettings.configure(customer.customerId, receiver.url, WEBHOOK_SECRET);
        for (const extra of ["Greatday+a", "Greatday+b", "Greatday+c"]) await t.connect(extra);
        expect(await readCard(t)).toBe(4);
        const answered = await inject(t, "PATCH", "AnswerMFAQuestions", apiKey(), {
          LoginId: left.loginId,
          Questions: [{ Question: PET_QUESTION, Answer: "Rex" }],
        });
        expect(answered.statusCode, answered.body).toBe(200);
        const card = await t.deps.storage.logins.find(customer.customerId, left.loginId);
        left.lookupHash = card?.lookupHash ?? "";
        await new CardVaults(t.deps.storage.cardVault, new Vault(parseMasterKeys(OLD)), t.clock)
          .of(customer.customerId, left.lookupHash)
          .write({ accessToken: "card-vault-canary" });
        left.challengeToken = await t.generateToken();
        const challenge = await inject(
          t,
          "POST",
          "Authorize",
          { "flinks-auth-key": left.challengeToken },
          {
            Institution: "FlinksCapital",
            Username: "Greatday+rotation",
            Password: "Everyday",
            MostRecentCached: false,
            Save: true,
          },
        );
        expect(challenge.statusCode, challenge.body).toBe(203);
        left.challengeRequestId = challenge.json().RequestId;
        left.prompt = challenge.json().SecurityChallenges[0].Prompt;
        const events = (await t.deps.storage.webhooks.listEvents(customer.customerId, { limit: 10 })).filter((e) => e.state === "pending");
        expect(events.map((e) => e.type).sort()).toEqual(["GetAccountsDetail", "KYC"]);
        for (const event of events) {
          const job = await t.deps.jobs.findActive(`webhook:${event.id}`);
          expect(job?.state).toBe("queued");
          left.deliveryJobIds.push(job?.id ?? "");
        }
        // An /AuthorizeAsync answer left in the queue: its job's payload holds the MFA answer, sealed.
        const started = await inject(t, "POST", "AuthorizeAsync", apiKey(), {
          Institution: "FlinksCapital",
          Username: "Greatday+queued",
          Password: "Everyday",
          MostRecentCached: false,
        });
        expect(started.statusCode, started.body).toBe(202);
        left.queuedAnswerRequestId = started.json().RequestId;
        await t.deps.runner.runUntilIdle();
        const asked = await inject(t, "POST", "AuthorizeAsync", apiKey(), { RequestId: left.queuedAnswerRequestId });
        expect(asked.statusCode, asked.body).toBe(203);
        const question = asked.json().SecurityChallenges[0].Prompt as string;
        const queued = await inject(t, "POST", "AuthorizeAsync", apiKey(), {
          RequestId: left.queuedAnswerRequestId,
          SecurityResponses: { [question]: [SANDBOX_ANSWERS[question] ?? ""] },
        });
        expect(queued.statusCode, queued.body).toBe(202);
      } finally {
        await t.close();
      }
    });

    let report: RotationReport;

    it("2. keys new,old: readers see 0 failures while the rotation moves everything to the new key", async () => {
      const t = await server(`${NEW},${OLD}`);
      try {
        const vault = new Vault(parseMasterKeys(`${NEW},${OLD}`));
        const cardVault = new CardVaults(t.deps.storage.cardVault, vault, t.clock).of(customer.customerId, left.lookupHash);
        const secrets = new CardSecrets(vault, Buffer.alloc(32));
        const underOld = () => new MasterKeyRotation({ storage: t.deps.storage, vault }).remaining();
        const underNew = () => new MasterKeyRotation({ storage: t.deps.storage, vault: new Vault(parseMasterKeys(OLD)) }).remaining();
        expect(await underOld()).toBeGreaterThanOrEqual(20);
        expect(await underNew()).toBe(0);

        // One value per page, and each page after the first waits for the readers to finish a
        // round: however the machine schedules them, rounds run while both keys hold values.
        let releasePage = () => {};
        const storage = pagesAfterTheFirstWaitFor(
          t.deps.storage,
          () =>
            new Promise<void>((resolve) => {
              releasePage = resolve;
            }),
        );
        const rotation = new MasterKeyRotation({ storage, vault, pageSize: 1 }).run();
        let done = false;
        void rotation.finally(() => {
          done = true;
        });
        let rounds = 0;
        let halfwayRounds = 0;
        const failures: string[] = [];
        for (; !done && rounds < 10_000; rounds++) {
          try {
            if ((await underOld()) > 0 && (await underNew()) > 0) halfwayRounds++;
            expect(await readCard(t)).toBe(4);
            expect(await storedQuestions(t)).toContain(PET_QUESTION);
            expect(await cardVault.read()).toEqual({ accessToken: "card-vault-canary" });
            const challenged = await t.deps.storage.sessions.find(customer.customerId, left.challengeRequestId);
            expect(secrets.openSessionCredentials(challenged ?? ({} as never))?.username).toBe("Greatday+rotation");
            expect(secrets.openConnectorState(challenged ?? ({} as never))).toBeTruthy();
            for (const id of left.deliveryJobIds)
              expect((await t.deps.jobs.find(id))?.payload).toMatchObject({ customerId: customer.customerId });
          } catch (error) {
            failures.push(error instanceof Error ? error.message : String(error));
          }
          releasePage();
        }
        report = await rotation;
        expect(failures).toEqual([]);
        // The readers ran while some values were under each key.
        expect(halfwayRounds).toBeGreaterThanOrEqual(1);
        expect(report.remaining).toBe(0);
        expect(report.failed).toEqual({});
        // Every column held a value, and every one moved.
        expect(Object.keys(report.rewrapped).sort()).toEqual(Object.keys(SEALED_VALUE_AADS).sort());
        // Idempotent: a second run finds nothing to do.
        expect(await t.deps.masterKeyRotation.run()).toMatchObject({ rewrapped: {}, failed: {}, remaining: 0, activeKeyId: "new" });
      } finally {
        await t.close();
      }
    });

    it("3. keys new alone: the server starts and every secret still works", async () => {
      const t = await server(NEW);
      try {
        expect(await readCard(t)).toBe(4);
        expect(await storedQuestions(t)).toContain(PET_QUESTION);
        expect(
          await new CardVaults(t.deps.storage.cardVault, new Vault(parseMasterKeys(NEW)), t.clock)
            .of(customer.customerId, left.lookupHash)
            .read(),
        ).toEqual({
          accessToken: "card-vault-canary",
        });
        // The challenged session: its credentials and the bank's state open with the new key.
        const answered = await inject(
          t,
          "POST",
          "Authorize",
          { "flinks-auth-key": left.challengeToken },
          {
            RequestId: left.challengeRequestId,
            SecurityResponses: { [left.prompt]: [SANDBOX_ANSWERS[left.prompt] ?? ""] },
          },
        );
        expect(answered.statusCode, answered.body).toBe(200);
        // A live refresh with the card's saved credentials.
        const token = await t.generateToken(customer);
        const refresh = await inject(
          t,
          "POST",
          "Authorize",
          { "flinks-auth-key": token },
          { LoginId: left.loginId, MostRecentCached: false },
        );
        expect(refresh.statusCode, refresh.body).toBe(203);
        const prompt = refresh.json().SecurityChallenges[0].Prompt as string;
        const refreshed = await inject(
          t,
          "POST",
          "Authorize",
          { "flinks-auth-key": token },
          {
            RequestId: refresh.json().RequestId,
            SecurityResponses: { [prompt]: [SANDBOX_ANSWERS[prompt] ?? ""] },
          },
        );
        expect(refreshed.statusCode, refreshed.body).toBe(200);
        // The queued answer opens with the new key and completes its login.
        await t.deps.runner.runUntilIdle();
        const completed = await inject(t, "POST", "AuthorizeAsync", apiKey(), { RequestId: left.queuedAnswerRequestId });
        expect(completed.statusCode, completed.body).toBe(200);
        // The queued deliveries (payload, event body, signing secret) go out at their next attempt.
        receiver.received.length = 0;
        t.clock.advanceSeconds(1_800);
        await t.deps.runner.runUntilIdle();
        const delivered = receiver.accepted().filter((hook) => ["KYC", "GetAccountsDetail"].includes(String(hook.body.ResponseType)));
        expect(delivered.length).toBeGreaterThanOrEqual(2);
        for (const hook of delivered) expect(isAuthentic(hook.rawBody, hook.headers["flinks-authenticity-key"])).toBe(true);
        for (const id of left.deliveryJobIds) expect((await t.deps.jobs.find(id))?.state).toBe("done");
      } finally {
        await t.close();
      }
    });
  });
});

/** `storage` whose rotation reads each page of sealed values after the first only once `wait()` resolves. */
function pagesAfterTheFirstWaitFor(storage: Storage, wait: () => Promise<void>): Storage {
  let pages = 0;
  const sealedValues = new Proxy(storage.sealedValues, {
    get(target, name) {
      const value = Reflect.get(target, name);
      if (typeof value !== "function") return value;
      if (name !== "listNotWrappedBy") return value.bind(target);
      return async (...args: unknown[]) => {
        if (pages++ > 0) await wait();
        return value.apply(target, args);
      };
    },
  });
  return new Proxy(storage, {
    get(target, name) {
      if (name === "sealedValues") return sealedValues;
      const value = Reflect.get(target, name);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

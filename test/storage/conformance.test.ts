/**
 * The guarantees each storage port states in its JSDoc (src/storage; docs/architecture.md),
 * proven once against both stores.
 *
 * Each store kind gets its own database for the whole file: a temp directory for SQLite,
 * a fresh `conf_<random>` database on the test PostgreSQL (dropped in afterAll). Tests use
 * fresh random ids, so they do not depend on each other's rows.
 */
import { randomBytes } from "node:crypto";
import type { Kysely } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newRandomId } from "../../src/lib/ids.js";
import type { Customer } from "../../src/records/customer.js";
import type { Session } from "../../src/records/session.js";
import type { Snapshot } from "../../src/records/snapshot.js";
import type { NewLogin } from "../../src/storage/login-store.js";
import { migrationStatus } from "../../src/storage/migrate.js";
import type { OpenedDatabase, StoreKind } from "../../src/storage/open-database.js";
import type { Database } from "../../src/storage/schema.js";
import type { CardWithJob } from "../../src/storage/session-store.js";
import { KyselyStorage, type Storage } from "../../src/storage/storage.js";
import { createTestStore, skipPostgres } from "../helpers/test-store.js";

const T0 = new Date("2026-01-15T15:00:00.123Z");
const at = (offsetMs: number) => new Date(T0.getTime() + offsetMs);

interface Harness {
  storage: Storage;
  db: Kysely<Database>;
  /** Opens the same store again (a second process starting against it). */
  reopen(): Promise<OpenedDatabase>;
  dispose(): Promise<void>;
}

async function openHarness(store: StoreKind): Promise<Harness> {
  const testStore = await createTestStore(store, "conf");
  const opened = await testStore.open();
  expect(opened.kind).toBe(store);
  const storage = new KyselyStorage(opened.db);
  return {
    storage,
    db: opened.db,
    reopen: () => testStore.open(),
    async dispose() {
      await storage.close();
      await testStore.dispose();
    },
  };
}

function sessionFixture(overrides: Partial<Session> = {}): Session {
  return {
    requestId: newRandomId(),
    customerId: newRandomId(),
    loginId: newRandomId(),
    institution: "FlinksCapital",
    mode: "live",
    state: "challenged",
    language: "fr",
    save: true,
    tag: 'user=42; é ✓ "quoted"',
    scheduleRefresh: true,
    challenges: [
      { type: "QuestionAndAnswer", prompt: "Quelle forme les gens aiment-ils le plus?" },
      { type: "TextOrCall", prompt: "Where should we send the code?", iterables: ["(514) 555-0100", "(438) 555-0199"] },
    ],
    connectorStateEnc: "v1:key:iv:cipher-connector",
    credentialsEnc: "v1:key:iv:cipher-credentials",
    attemptsLeft: 3,
    errorCode: "INVALID_SECURITY_RESPONSE",
    snapshotId: newRandomId(),
    authorizeTokenHash: "a".repeat(64),
    version: 1,
    leaseUntil: at(30_001),
    leaseHolder: newRandomId(),
    createdAt: T0,
    lastActivityAt: at(1_999),
    expiresAt: at(480_007),
    absoluteExpiresAt: at(1_800_009),
    ...overrides,
  };
}

/** Stores a session, and first the card it names unless that exists: a session is stored only on an existing card. */
async function insertSession(storage: Storage, session: Session): Promise<void> {
  if (session.loginId && !(await storage.logins.find(session.customerId, session.loginId))) {
    await storage.logins.findOrCreate(loginCandidate({ id: session.loginId, customerId: session.customerId }));
  }
  expect(await storage.sessions.insert(session)).toBe(true);
}

function loginCandidate(overrides: Partial<NewLogin> = {}): NewLogin {
  return {
    id: newRandomId(),
    customerId: newRandomId(),
    lookupHash: randomBytes(32).toString("hex"),
    institution: "FlinksCapital",
    language: "en",
    usernameEnc: "v1:key:iv:cipher-username",
    loginType: "Personal",
    createdAt: at(5),
    ...overrides,
  };
}

function snapshotFixture(): Snapshot {
  return {
    loginType: "Business",
    holder: {
      name: 'Jöhn "Greatday" Doe',
      address: { civicAddress: "1 Main St", city: "Montréal", province: "QC", postalCode: "H0H 0H0", poBox: null, country: "CA" },
      email: "john@example.com",
      phoneNumber: "(514) 555-0100",
    },
    accounts: [
      {
        id: newRandomId(),
        key: "chq-001",
        title: "Chequing",
        category: "Operations",
        type: "Chequing",
        currency: "CAD",
        transitNumber: "77777",
        institutionNumber: "777",
        accountNumber: "1111000",
        overdraftLimit: null,
        balance: { available: 1234.56, current: -0.01, limit: null },
        transactions: [
          { id: newRandomId(), key: "t2", date: "2026-01-14", description: "Café ☕", debit: 4.35, credit: null, balance: 1234.56 },
          { id: newRandomId(), key: "t1", date: "2026-01-13", description: "Payroll", debit: null, credit: 2000, balance: 1238.91 },
        ],
      },
    ],
  };
}

function customerFixture(overrides: Partial<Customer> = {}): Customer {
  return {
    id: newRandomId(),
    name: "Acme",
    secretKeyHash: "1".repeat(64),
    apiKeyHash: "2".repeat(64),
    authMode: "token",
    connect: { redirectUrls: ["https://app.example/done?x=1"], parentOrigins: ["https://app.example", "http://127.0.0.1:3000"] },
    ...overrides,
  };
}

async function tokenExists(db: Kysely<Database>, tokenHash: string): Promise<boolean> {
  return (
    (await db.selectFrom("authorize_tokens").select("token_hash").where("token_hash", "=", tokenHash).executeTakeFirst()) !== undefined
  );
}

const tokenHash = () => randomBytes(32).toString("hex");

describe.each(["sqlite", "postgres"] as const)("storage conformance: %s", (store) => {
  describe.skipIf(store === "postgres" && skipPostgres)(`${store} store`, () => {
    let h: Harness;
    beforeAll(async () => {
      h = await openHarness(store);
    });
    afterAll(async () => {
      await h?.dispose();
    });

    describe("migrations", () => {
      it("are idempotent: opening the same store again migrates nothing and keeps the data", async () => {
        const marker = `conformance-${newRandomId()}`;
        await h.storage.settings.getOrInit(marker, "first");
        const again = await h.reopen();
        try {
          expect(await new KyselyStorage(again.db).settings.getOrInit(marker, "second")).toBe("first");
          const applied = await again.db
            // biome-ignore lint/suspicious/noExplicitAny: Kysely's own bookkeeping table is not in the typed schema
            .selectFrom("kysely_migration" as any)
            .select("name")
            .execute();
          expect(applied.map((r) => (r as { name: string }).name)).toEqual([
            "001-initial",
            "002-attempt-limits",
            "003-jobs",
            "004-card-live-session",
            "005-connect-settings",
            "006-nightly-refresh",
            "007-webhooks",
            "008-institution-memory",
            "009-card-vault",
            "010-lease-holders",
            "011-stored-answers-by-default",
            "012-retention",
            "013-dashboard",
            "014-snapshot-deltas",
            "015-snapshot-outlines",
          ]);
        } finally {
          await again.db.destroy();
        }
      });

      it.skipIf(store === "sqlite")("let several nodes start at once against an empty database", async () => {
        const fresh = await createTestStore("postgres", "conf");
        try {
          const opened = await Promise.all([1, 2, 3].map(() => fresh.open()));
          await Promise.all(opened.map((o) => o.db.destroy()));
        } finally {
          await fresh.dispose();
        }
      });
    });

    describe("CustomerStore and migration status", () => {
      it("list answers every customer, oldest first, with when it was created; find agrees", async () => {
        const older = {
          id: newRandomId(),
          name: "Older",
          secretKeyHash: "a".repeat(64),
          apiKeyHash: "b".repeat(64),
          authMode: "token" as const,
        };
        const newer = {
          ...older,
          id: newRandomId(),
          name: "Newer",
          authMode: "open" as const,
          connect: { redirectUrls: ["https://x.example/done"], parentOrigins: ["https://x.example"] },
        };
        await h.storage.customers.upsert(newer, new Date(T0.getTime() + 1_000));
        await h.storage.customers.upsert(older, T0);
        const listed = (await h.storage.customers.list()).filter((c) => c.id === older.id || c.id === newer.id);
        expect(listed.map((c) => [c.name, c.createdAt.getTime()])).toEqual([
          ["Older", T0.getTime()],
          ["Newer", T0.getTime() + 1_000],
        ]);
        const { createdAt: _, ...listedNewer } = listed[1] ?? { createdAt: null };
        expect(listedNewer).toStrictEqual(await h.storage.customers.find(newer.id));
      });

      it("migrationStatus: everything applied, nothing pending, on a migrated store", async () => {
        const status = await migrationStatus(h.db);
        expect(status.pending).toEqual([]);
        expect(status.applied).toContain("012-retention");
      });
    });

    describe("SessionStore", () => {
      it("insert then find round-trips every field exactly (Dates to the ms, challenges JSON, nulls)", async () => {
        const full = sessionFixture();
        const empty = sessionFixture({
          loginId: null,
          mode: "cached",
          state: "connecting",
          language: "en",
          save: false,
          tag: null,
          challenges: null,
          connectorStateEnc: null,
          credentialsEnc: null,
          attemptsLeft: 0,
          errorCode: null,
          snapshotId: null,
          authorizeTokenHash: null,
          version: 0,
          leaseUntil: null,
          leaseHolder: null,
        });
        await insertSession(h.storage, full);
        await insertSession(h.storage, empty);
        expect(await h.storage.sessions.find(full.customerId, full.requestId)).toStrictEqual(full);
        expect(await h.storage.sessions.find(empty.customerId, empty.requestId)).toStrictEqual(empty);
      });

      it("find answers undefined for another customer's RequestId and for unknown ids", async () => {
        const session = sessionFixture();
        await insertSession(h.storage, session);
        expect(await h.storage.sessions.find(newRandomId(), session.requestId)).toBeUndefined();
        expect(await h.storage.sessions.find(session.customerId, newRandomId())).toBeUndefined();
      });

      it("findWithCard reads the session, the customer's card it names and whether the card's job runs, in one read", async () => {
        const card = await h.storage.logins.findOrCreate(loginCandidate());
        const onCard = sessionFixture({ customerId: card.customerId, loginId: card.id });
        const noCard = sessionFixture({ loginId: null });
        await insertSession(h.storage, onCard);
        await insertSession(h.storage, noCard);
        const read = (customerId: string, requestId: string) => h.storage.sessions.findWithCard(customerId, requestId, "card-job:");
        expect(await read(onCard.customerId, onCard.requestId)).toStrictEqual({ session: onCard, card, cardJobActive: false });
        expect(await read(noCard.customerId, noCard.requestId)).toStrictEqual({ session: noCard, card: undefined, cardJobActive: false });
        expect(await read(newRandomId(), onCard.requestId)).toBeUndefined();
        expect(await read(onCard.customerId, newRandomId())).toBeUndefined();

        // Another card's job, another prefix or a finished job is not this card's running job.
        await h.storage.jobs.insert(jobRow(`card-job:${newRandomId()}`, "queued"));
        await h.storage.jobs.insert(jobRow(`other:${card.id}`, "running"));
        await h.storage.jobs.insert(jobRow(`card-job:${card.id}`, "done"));
        expect((await read(onCard.customerId, onCard.requestId))?.cardJobActive).toBe(false);
        await h.storage.jobs.insert(jobRow(`card-job:${card.id}`, "running"));
        expect((await read(onCard.customerId, onCard.requestId))?.cardJobActive).toBe(true);
      });

      it("insert of a session naming a card that does not exist writes nothing and answers false, alone or grouped", async () => {
        const orphan = sessionFixture();
        expect(await h.storage.sessions.insert(orphan)).toBe(false);
        expect(await h.storage.sessions.find(orphan.customerId, orphan.requestId)).toBeUndefined();

        const card = await h.storage.logins.findOrCreate(loginCandidate());
        const onCard = sessionFixture({ customerId: card.customerId, loginId: card.id });
        const noCard = sessionFixture({ loginId: null });
        const another = sessionFixture();
        // Inserted in one turn of the event loop: one group commit, each row answered on its own.
        expect(await Promise.all([onCard, noCard, another].map((s) => h.storage.sessions.insert(s)))).toEqual([true, true, false]);
        expect(await h.storage.sessions.find(onCard.customerId, onCard.requestId)).toStrictEqual(onCard);
        expect(await h.storage.sessions.find(noCard.customerId, noCard.requestId)).toStrictEqual(noCard);
        expect(await h.storage.sessions.find(another.customerId, another.requestId)).toBeUndefined();
      });

      it("insertOnCard opens a session on the card its own transaction reads, with whether the card's job runs", async () => {
        const card = await h.storage.logins.findOrCreate(loginCandidate());
        const opening = (
          customerId: string,
          loginId: string,
          build = (opened: CardWithJob) => sessionFixture({ customerId, loginId: opened.login.id }),
        ) => ({
          customerId,
          loginId,
          cardJobKeyPrefix: "card-job:",
          open: build,
        });
        const first = await h.storage.sessions.insertOnCard(opening(card.customerId, card.id));
        expect(first?.card).toStrictEqual({ login: card, jobActive: false });
        expect(await h.storage.sessions.find(card.customerId, first?.session.requestId ?? "")).toStrictEqual(first?.session);

        // Another card's job, another prefix or a finished job is not this card's running job.
        await h.storage.jobs.insert(jobRow(`card-job:${newRandomId()}`, "queued"));
        await h.storage.jobs.insert(jobRow(`other:${card.id}`, "running"));
        await h.storage.jobs.insert(jobRow(`card-job:${card.id}`, "done"));
        expect((await h.storage.sessions.insertOnCard(opening(card.customerId, card.id)))?.card.jobActive).toBe(false);
        await h.storage.jobs.insert(jobRow(`card-job:${card.id}`, "queued"));
        expect((await h.storage.sessions.insertOnCard(opening(card.customerId, card.id)))?.card.jobActive).toBe(true);

        // Another customer's card, or none: nothing is built or stored.
        let built = 0;
        const counted = (customerId: string, loginId: string) =>
          opening(customerId, loginId, () => {
            built++;
            return sessionFixture({ customerId, loginId });
          });
        expect(await h.storage.sessions.insertOnCard(counted(newRandomId(), card.id))).toBeUndefined();
        expect(await h.storage.sessions.insertOnCard(counted(card.customerId, newRandomId()))).toBeUndefined();
        expect(built).toBe(0);
      });

      it("insertOnCard in one turn shares the group: a refusal, a missing card and a duplicate fail alone", async () => {
        const card = await h.storage.logins.findOrCreate(loginCandidate());
        const other = await h.storage.logins.findOrCreate(loginCandidate({ customerId: card.customerId }));
        const taken = sessionFixture({ customerId: card.customerId, loginId: card.id });
        await insertSession(h.storage, taken);
        const open = (loginId: string, session: () => Session) => ({
          customerId: card.customerId,
          loginId,
          cardJobKeyPrefix: "card-job:",
          open: session,
        });
        const onCard = sessionFixture({ customerId: card.customerId, loginId: card.id });
        const onOther = sessionFixture({ customerId: card.customerId, loginId: other.id });
        const plain = sessionFixture({ loginId: null });
        const refusal = new Error("not for this caller");
        const results = await Promise.allSettled([
          h.storage.sessions.insertOnCard(open(card.id, () => onCard)),
          h.storage.sessions.insertOnCard(open(other.id, () => onOther)),
          h.storage.sessions.insertOnCard(
            open(card.id, () => {
              throw refusal;
            }),
          ),
          h.storage.sessions.insertOnCard(open(newRandomId(), () => sessionFixture())),
          h.storage.sessions.insertOnCard(open(card.id, () => ({ ...taken, tag: "intruder" }))),
          h.storage.sessions.insert(plain),
        ]);
        expect(results.map((r) => r.status)).toEqual(["fulfilled", "fulfilled", "rejected", "fulfilled", "rejected", "fulfilled"]);
        expect(results[0]).toMatchObject({ value: { session: onCard, card: { login: card } } });
        expect(results[1]).toMatchObject({ value: { session: onOther, card: { login: other } } });
        expect(results[2]).toMatchObject({ reason: refusal });
        expect(results[3]).toMatchObject({ value: undefined });
        for (const session of [onCard, onOther, plain]) {
          expect(await h.storage.sessions.find(session.customerId, session.requestId)).toStrictEqual(session);
        }
        expect(await h.storage.sessions.find(taken.customerId, taken.requestId)).toStrictEqual(taken);
      });

      it("insert of a duplicate RequestId fails and leaves the first row as it was", async () => {
        const session = sessionFixture();
        await insertSession(h.storage, session);
        await expect(insertSession(h.storage, { ...session, state: "failed", tag: "intruder" })).rejects.toThrow();
        expect(await h.storage.sessions.find(session.customerId, session.requestId)).toStrictEqual(session);
      });

      it("replace is compare-and-swap: the right version wins and bumps it, a stale one changes nothing", async () => {
        const session = sessionFixture({ version: 4 });
        await insertSession(h.storage, session);

        const next: Session = { ...session, state: "authorized", challenges: null, attemptsLeft: 2, tag: "next" };
        expect(await h.storage.sessions.replace(next, 4)).toBe(true);
        const stored = await h.storage.sessions.find(session.customerId, session.requestId);
        expect(stored).toStrictEqual({ ...next, version: 5 });

        const stale: Session = { ...session, state: "failed", errorCode: "SESSION_EXPIRED", tag: "stale" };
        expect(await h.storage.sessions.replace(stale, 4)).toBe(false);
        expect(await h.storage.sessions.find(session.customerId, session.requestId)).toStrictEqual(stored);
      });

      it("of 20 concurrent replaces with the same expectedVersion exactly one wins", async () => {
        const session = sessionFixture({ version: 7 });
        await insertSession(h.storage, session);
        const results = await Promise.all(
          Array.from({ length: 20 }, (_, i) => h.storage.sessions.replace({ ...session, tag: `writer-${i}`, attemptsLeft: i }, 7)),
        );
        expect(results.filter(Boolean)).toHaveLength(1);
        const winner = results.indexOf(true);
        const stored = await h.storage.sessions.find(session.customerId, session.requestId);
        expect(stored).toMatchObject({ version: 8, tag: `writer-${winner}`, attemptsLeft: winner });
      });

      it("touch only moves expires_at forward and never bumps the version", async () => {
        const session = sessionFixture({ version: 3 });
        await insertSession(h.storage, session);
        const find = () => h.storage.sessions.find(session.customerId, session.requestId);

        await h.storage.sessions.touch(session.requestId, at(60_001), at(540_001));
        expect(await find()).toStrictEqual({ ...session, lastActivityAt: at(60_001), expiresAt: at(540_001), version: 3 });

        // An earlier expiry (a touch that lost a race with a later one) is ignored entirely.
        await h.storage.sessions.touch(session.requestId, at(30_000), at(510_000));
        expect(await find()).toStrictEqual({ ...session, lastActivityAt: at(60_001), expiresAt: at(540_001), version: 3 });

        // The same expiry changes nothing either.
        await h.storage.sessions.touch(session.requestId, at(70_000), at(540_001));
        expect((await find())?.lastActivityAt).toStrictEqual(at(60_001));

        // A step after a touch still goes through with the version it read.
        expect(await h.storage.sessions.replace({ ...session, state: "authorized" }, 3)).toBe(true);
      });
    });

    describe("LoginStore", () => {
      it("findOrCreate creates once, then returns the same row for the same lookup hash", async () => {
        const first = loginCandidate({ language: "fr", loginType: "Business" });
        const created = await h.storage.logins.findOrCreate(first);
        expect(created).toStrictEqual({
          id: first.id,
          customerId: first.customerId,
          lookupHash: first.lookupHash,
          institution: "FlinksCapital",
          language: "fr",
          usernameEnc: first.usernameEnc,
          credentialsEnc: null,
          loginType: "Business",
          isScheduledRefresh: false,
          lastRefreshAt: null,
          lastRefreshError: null,
          snapshotId: null,
          liveRequestId: null,
          selectedAccountIds: null,
          createdAt: first.createdAt,
          refreshState: null,
          refreshAttemptedAt: null,
          nightlyNight: null,
          mfaAnswersEnc: null,
        });
        const again = await h.storage.logins.findOrCreate({ ...first, id: newRandomId(), usernameEnc: "other", createdAt: at(99_999) });
        expect(again).toStrictEqual(created);
      });

      it("findOrCreate stores the candidate's credentials on a card it creates, and leaves a found card's alone", async () => {
        const candidate = loginCandidate({ credentialsEnc: "v1:key:iv:cipher-password" });
        const created = await h.storage.logins.findOrCreate(candidate);
        expect(created.credentialsEnc).toBe("v1:key:iv:cipher-password");
        expect(await h.storage.logins.find(candidate.customerId, candidate.id)).toStrictEqual(created);
        const found = await h.storage.logins.findOrCreate({ ...candidate, id: newRandomId(), credentialsEnc: "v1:key:iv:other" });
        expect(found).toStrictEqual(created);
      });

      it("findOrCreate under 10 concurrent calls with different candidate ids ends with one row", async () => {
        const lookupHash = randomBytes(32).toString("hex");
        const customerId = newRandomId();
        const candidates = Array.from({ length: 10 }, () => loginCandidate({ customerId, lookupHash }));
        const logins = await Promise.all(candidates.map((c) => h.storage.logins.findOrCreate(c)));
        const ids = new Set(logins.map((l) => l.id));
        expect(ids.size).toBe(1);
        expect(candidates.map((c) => c.id)).toContain([...ids][0]);
        const rows = await h.db.selectFrom("logins").select("id").where("lookup_hash", "=", lookupHash).execute();
        expect(rows).toEqual([{ id: [...ids][0] }]);
      });

      it("find answers the customer's card, and undefined for another customer or an unknown id", async () => {
        const candidate = loginCandidate();
        const login = await h.storage.logins.findOrCreate(candidate);
        expect(await h.storage.logins.find(candidate.customerId, candidate.id)).toStrictEqual(login);
        expect(await h.storage.logins.find(newRandomId(), candidate.id)).toBeUndefined();
        expect(await h.storage.logins.find(candidate.customerId, newRandomId())).toBeUndefined();
        expect(await h.storage.logins.findByLookupHash(candidate.lookupHash)).toStrictEqual(login);
      });

      it("saveCredentials, recordRefreshError and recordRefresh persist", async () => {
        const candidate = loginCandidate();
        const login = await h.storage.logins.findOrCreate(candidate);
        const find = () => h.storage.logins.find(candidate.customerId, candidate.id);

        await h.storage.logins.saveCredentials(login.id, "v1:key:iv:cipher-password");
        expect(await find()).toStrictEqual({ ...login, credentialsEnc: "v1:key:iv:cipher-password" });

        await h.storage.logins.recordRefreshError(login.id, "INVALID_PASSWORD");
        expect((await find())?.lastRefreshError).toBe("INVALID_PASSWORD");

        const snapshotId = newRandomId();
        await h.storage.logins.recordRefresh(login.id, { snapshotId, at: at(3_600_042), loginType: "Business" });
        expect(await find()).toStrictEqual({
          ...login,
          credentialsEnc: "v1:key:iv:cipher-password",
          snapshotId,
          lastRefreshAt: at(3_600_042),
          lastRefreshError: null,
          loginType: "Business",
          refreshState: "Completed",
          refreshAttemptedAt: at(3_600_042),
        });

        await h.storage.logins.recordRefreshState(login.id, {
          at: at(7_200_000),
          state: "AnsweringSecurityChallenge",
          errorCode: "QUESTION_NOT_FOUND",
        });
        expect(await find()).toMatchObject({
          refreshState: "AnsweringSecurityChallenge",
          refreshAttemptedAt: at(7_200_000),
          lastRefreshError: "QUESTION_NOT_FOUND",
        });
      });

      it("takeForNight takes a card once per night, whoever asks, also 10 callers at once, and returns it as taken", async () => {
        const login = await h.storage.logins.findOrCreate(loginCandidate());
        const take = (night: string, customerId = login.customerId) => h.storage.logins.takeForNight(customerId, login.id, night);
        const takes = await Promise.all(Array.from({ length: 10 }, () => take("2026-01-16")));
        const taken = takes.filter((card) => card !== undefined);
        expect(taken).toHaveLength(1);
        expect(taken[0]).toEqual({ ...login, nightlyNight: "2026-01-16" });
        expect(await take("2026-01-16")).toBeUndefined();
        expect(await take("2026-01-17", newRandomId())).toBeUndefined();
        expect((await h.storage.logins.find(login.customerId, login.id))?.nightlyNight).toBe("2026-01-16");
        expect((await take("2026-01-17"))?.nightlyNight).toBe("2026-01-17");
      });

      it("holdManyForWrite holds the customer's cards that are still there, in one read, inside a transaction", async () => {
        const customerId = newRandomId();
        const [kept, deleted] = await Promise.all([0, 1].map(() => h.storage.logins.findOrCreate(loginCandidate({ customerId }))));
        const other = await h.storage.logins.findOrCreate(loginCandidate());
        if (!kept || !deleted) return expect.fail("cards not created");
        await h.storage.logins.delete(customerId, deleted.id);
        const asked = [kept, deleted, { ...other, customerId }, { id: newRandomId(), customerId }];
        const held = await h.storage.transaction((tx) => tx.logins.holdManyForWrite(asked));
        expect([...held]).toEqual([kept.id]);
        expect(await h.storage.transaction((tx) => tx.logins.holdManyForWrite([]))).toEqual(new Set());
      });

      it("findNightlyCandidates pages scheduled cards with credentials not yet taken that night", async () => {
        const customerId = newRandomId();
        const cards = await Promise.all(Array.from({ length: 5 }, () => h.storage.logins.findOrCreate(loginCandidate({ customerId }))));
        for (const card of cards.slice(0, 4)) {
          await h.storage.logins.saveCredentials(card.id, "v1:key:iv:cipher");
          await h.storage.logins.setScheduledRefresh(customerId, card.id, true);
        }
        await h.storage.logins.takeForNight(customerId, cards[0]?.id ?? "", "2026-01-16");
        const mine = new Set(cards.map((c) => c.id));
        const seen: string[] = [];
        for (let afterId = ""; ; ) {
          const page = await h.storage.logins.findNightlyCandidates("2026-01-16", afterId, 2);
          if (page.length === 0) break;
          seen.push(...page.map((c) => c.id).filter((id) => mine.has(id)));
          afterId = page[page.length - 1]?.id ?? afterId;
        }
        expect(seen.sort()).toEqual(
          cards
            .slice(1, 4)
            .map((c) => c.id)
            .sort(),
        );
      });

      it("saveSelectedAccounts keeps the Connect widget's selection on the card, and clears it with null", async () => {
        const candidate = loginCandidate();
        const login = await h.storage.logins.findOrCreate(candidate);
        const find = () => h.storage.logins.find(candidate.customerId, candidate.id);
        const ids = [newRandomId(), newRandomId()];
        await h.storage.logins.saveSelectedAccounts(login.id, ids);
        expect(await find()).toStrictEqual({ ...login, selectedAccountIds: ids });
        await h.storage.logins.saveSelectedAccounts(login.id, null);
        expect(await find()).toStrictEqual(login);
      });

      it("a snapshot inserted is found again whole; unknown ids are undefined", async () => {
        const login = await h.storage.logins.findOrCreate(loginCandidate());
        const snapshot = snapshotFixture();
        const snapshotId = newRandomId();
        await h.storage.snapshots.insert(snapshotId, login.id, at(1), snapshot);
        expect(await h.storage.snapshots.find(snapshotId)).toStrictEqual(snapshot);
        expect(await h.storage.snapshots.find(newRandomId())).toBeUndefined();
      });

      it("delete removes the card, its sessions, snapshots and the tokens bound to its sessions — nothing else", async () => {
        const customerId = newRandomId();
        const doomed = await h.storage.logins.findOrCreate(loginCandidate({ customerId }));
        const kept = await h.storage.logins.findOrCreate(loginCandidate({ customerId }));

        async function furnish(loginId: string, lookupHash: string) {
          await h.storage.cardVault.write(lookupHash, customerId, `sealed:${loginId}`, T0);
          const sessions = [sessionFixture({ customerId, loginId }), sessionFixture({ customerId, loginId, mode: "cached" })];
          const tokens: string[] = [];
          const snapshots = [newRandomId(), newRandomId()];
          for (const session of sessions) {
            const hash = tokenHash();
            tokens.push(hash);
            await h.storage.authorizeTokens.insert(hash, customerId, at(900_000));
            expect(await h.storage.authorizeTokens.consume(hash, customerId, session.requestId, T0)).toBe(true);
            await insertSession(h.storage, { ...session, authorizeTokenHash: hash });
          }
          for (const id of snapshots) await h.storage.snapshots.insert(id, loginId, T0, snapshotFixture());
          return { sessions, tokens, snapshots };
        }
        const doomedRows = await furnish(doomed.id, doomed.lookupHash);
        const keptRows = await furnish(kept.id, kept.lookupHash);
        const unboundToken = tokenHash();
        await h.storage.authorizeTokens.insert(unboundToken, customerId, at(900_000));

        async function present(rows: Awaited<ReturnType<typeof furnish>>, loginId: string, lookupHash: string) {
          return {
            login: (await h.storage.logins.find(customerId, loginId)) !== undefined,
            sessions: await Promise.all(
              rows.sessions.map(async (s) => (await h.storage.sessions.find(customerId, s.requestId)) !== undefined),
            ),
            snapshots: await Promise.all(rows.snapshots.map(async (id) => (await h.storage.snapshots.find(id)) !== undefined)),
            tokens: await Promise.all(rows.tokens.map((t) => tokenExists(h.db, t))),
            vault: (await h.storage.cardVault.read(lookupHash)) !== undefined,
          };
        }
        const all = { login: true, sessions: [true, true], snapshots: [true, true], tokens: [true, true], vault: true };
        const none = { login: false, sessions: [false, false], snapshots: [false, false], tokens: [false, false], vault: false };

        // Another customer's delete removes nothing.
        expect(await h.storage.logins.delete(newRandomId(), doomed.id)).toBeNull();
        expect(await present(doomedRows, doomed.id, doomed.lookupHash)).toEqual(all);

        expect(await h.storage.logins.delete(customerId, doomed.id)).toEqual({ eventIds: [] });
        expect(await present(doomedRows, doomed.id, doomed.lookupHash)).toEqual(none);
        expect(await present(keptRows, kept.id, kept.lookupHash)).toEqual(all);
        expect(await tokenExists(h.db, unboundToken)).toBe(true);

        // Already gone: null again.
        expect(await h.storage.logins.delete(customerId, doomed.id)).toBeNull();
      });
    });

    describe("DashboardStore and LoginStore.listByCustomer", () => {
      it("listByCustomer answers the customer's cards only, newest first, at most `limit`", async () => {
        const customerId = newRandomId();
        const older = await h.storage.logins.findOrCreate(loginCandidate({ customerId, createdAt: at(0) }));
        const newer = await h.storage.logins.findOrCreate(loginCandidate({ customerId, createdAt: at(1000) }));
        await h.storage.logins.findOrCreate(loginCandidate());
        expect((await h.storage.logins.listByCustomer(customerId, 10)).map((card) => card.id)).toEqual([newer.id, older.id]);
        expect((await h.storage.logins.listByCustomer(customerId, 1)).map((card) => card.id)).toEqual([newer.id]);
      });

      it("jobs.listBySingletonKeys answers jobs holding those keys or prefixes only, newest first", async () => {
        const loginId = newRandomId();
        const row = (key: string, updatedAt: number) => ({
          id: newRandomId(),
          kind: "aggregate",
          payload_enc: "",
          singleton_key: key,
          state: "done",
          attempts: 1,
          max_attempts: 3,
          run_at: updatedAt,
          locked_until: null,
          locked_by: null,
          last_error: null,
          created_at: updatedAt,
          updated_at: updatedAt,
        });
        const exact = row(`aggregate:${loginId}`, 1000);
        const nightly = row(`nightly:${loginId}:2026-01-15`, 2000);
        await h.storage.jobs.insert(exact);
        await h.storage.jobs.insert(nightly);
        await h.storage.jobs.insert(row(`aggregate:${newRandomId()}`, 3000));
        const found = await h.storage.jobs.listBySingletonKeys([`aggregate:${loginId}`], [`nightly:${loginId}:`], 10);
        expect(found.map((job) => job.id)).toEqual([nightly.id, exact.id]);
        expect(await h.storage.jobs.listBySingletonKeys([`aggregate:${loginId}`], [`nightly:${loginId}:`], 1)).toHaveLength(1);
        await expect(h.storage.jobs.listBySingletonKeys([], ["nightly:%"], 10)).rejects.toThrow(/unsafe/);
      });

      it("jobs.insertMany inserts every job in one statement but those whose singleton key an active job holds", async () => {
        const key = `nightly:${newRandomId()}:2026-01-16`;
        const job = (singletonKey: string | null) => ({ ...jobRow(singletonKey, "queued"), payload_enc: "sealed" });
        const holder = job(key);
        expect(await h.storage.jobs.insert(holder)).toBe(true);
        const [taken, free, keyless] = [job(key), job(`nightly:${newRandomId()}:2026-01-16`), job(null)];
        const inserted = await h.storage.jobs.insertMany([taken, free, keyless]);
        expect([...inserted].sort()).toEqual([free.id, keyless.id].sort());
        expect(await h.storage.jobs.find(taken.id)).toBeUndefined();
        expect(await h.storage.jobs.find(free.id)).toMatchObject({
          state: "queued",
          payload_enc: "sealed",
          singleton_key: free.singleton_key,
        });
        expect(await h.storage.jobs.insertMany([])).toEqual(new Set());
      });

      it("dashboard sessions: insert, find, touch, delete, and the purge of expired ones only", async () => {
        const live = { tokenHash: randomBytes(32).toString("hex"), customerId: newRandomId(), createdAt: at(0), expiresAt: at(60_000) };
        const stale = { ...live, tokenHash: randomBytes(32).toString("hex"), expiresAt: at(1000) };
        await h.storage.dashboard.insertSession(live);
        await h.storage.dashboard.insertSession(stale);
        expect(await h.storage.dashboard.findSession(live.tokenHash)).toStrictEqual(live);
        await h.storage.dashboard.touchSession(live.tokenHash, at(120_000));
        expect((await h.storage.dashboard.findSession(live.tokenHash))?.expiresAt).toStrictEqual(at(120_000));
        expect(await h.storage.dashboard.deleteExpiredSessions(at(2000), 100)).toBeGreaterThanOrEqual(1);
        expect(await h.storage.dashboard.findSession(stale.tokenHash)).toBeUndefined();
        expect(await h.storage.dashboard.findSession(live.tokenHash)).toBeDefined();
        await h.storage.dashboard.deleteSession(live.tokenHash);
        expect(await h.storage.dashboard.findSession(live.tokenHash)).toBeUndefined();
      });

      it("session events: one per insert and per change of state or error code, none for touches or cached sessions, gone with the session", async () => {
        const session = sessionFixture({ state: "connecting", challenges: null, errorCode: null, lastActivityAt: at(0) });
        await insertSession(h.storage, session);
        const challenged = {
          ...session,
          state: "challenged" as const,
          challenges: [{ type: "QuestionAndAnswer" as const, prompt: "Pet?" }],
          lastActivityAt: at(1000),
        };
        expect(await h.storage.sessions.replace(challenged, session.version)).toBe(true);
        await h.storage.sessions.touch(session.requestId, at(2000), at(500_000));
        // Same state, same code: no event.
        expect(await h.storage.sessions.replace({ ...challenged, attemptsLeft: 2 }, session.version + 1)).toBe(true);
        const wrong = { ...challenged, errorCode: "INVALID_SECURITY_RESPONSE" as const, lastActivityAt: at(3000) };
        expect(await h.storage.sessions.replace(wrong, session.version + 2)).toBe(true);
        const events = await h.storage.dashboard.sessionEvents(session.customerId, session.requestId);
        expect(events.map((e) => [e.state, e.errorCode, e.at.getTime() - T0.getTime()])).toEqual([
          ["connecting", null, 0],
          ["challenged", null, 1000],
          ["challenged", "INVALID_SECURITY_RESPONSE", 3000],
        ]);
        expect(JSON.parse(events[1]?.challengesJson ?? "[]")).toEqual([{ type: "QuestionAndAnswer", prompt: "Pet?" }]);
        expect(await h.storage.dashboard.sessionEvents(newRandomId(), session.requestId)).toEqual([]);

        const cached = sessionFixture({ mode: "cached", state: "authorized" });
        await insertSession(h.storage, cached);
        expect(await h.storage.dashboard.sessionEvents(cached.customerId, cached.requestId)).toEqual([]);

        await h.storage.sessions.delete(session.customerId, session.requestId);
        expect(await h.storage.dashboard.sessionEvents(session.customerId, session.requestId)).toEqual([]);
      });
    });

    describe("Storage.transaction", () => {
      it("rolls back every write when the callback throws", async () => {
        const existing = sessionFixture({ version: 1 });
        await insertSession(h.storage, existing);
        const session = sessionFixture();
        const candidate = loginCandidate();
        const snapshotId = newRandomId();
        const token = tokenHash();
        const customer = customerFixture();
        const setting = `conformance-${newRandomId()}`;
        const failure = new Error("boom after every write");

        await expect(
          h.storage.transaction(async (tx) => {
            await insertSession(tx, session);
            expect(await tx.sessions.replace({ ...existing, state: "authorized" }, 1)).toBe(true);
            await tx.sessions.touch(existing.requestId, at(600_000), at(9_000_000));
            await tx.logins.findOrCreate(candidate);
            await tx.snapshots.insert(snapshotId, candidate.id, T0, snapshotFixture());
            await tx.authorizeTokens.insert(token, customer.id, at(900_000));
            await tx.customers.upsert(customer, T0);
            await tx.settings.getOrInit(setting, "inside");
            // Visible inside the transaction…
            expect(await tx.sessions.find(session.customerId, session.requestId)).toBeDefined();
            throw failure;
          }),
        ).rejects.toBe(failure);

        // …and gone after it.
        expect(await h.storage.sessions.find(session.customerId, session.requestId)).toBeUndefined();
        expect(await h.storage.sessions.find(existing.customerId, existing.requestId)).toStrictEqual(existing);
        expect(await h.storage.logins.findByLookupHash(candidate.lookupHash)).toBeUndefined();
        expect(await h.storage.snapshots.find(snapshotId)).toBeUndefined();
        expect(await tokenExists(h.db, token)).toBe(false);
        expect(await h.storage.customers.find(customer.id)).toBeUndefined();
        expect(await h.storage.settings.getOrInit(setting, "outside")).toBe("outside");
      });

      it("commits every write together when the callback returns", async () => {
        const session = sessionFixture();
        const candidate = loginCandidate();
        const result = await h.storage.transaction(async (tx) => {
          await insertSession(tx, session);
          return tx.logins.findOrCreate(candidate);
        });
        expect(result.id).toBe(candidate.id);
        expect(await h.storage.sessions.find(session.customerId, session.requestId)).toStrictEqual(session);
        expect(await h.storage.logins.find(candidate.customerId, candidate.id)).toStrictEqual(result);
      });
    });

    describe("AuthorizeTokenStore", () => {
      it("renew re-keys a bound token to an unused one with the same expiry; of 10 concurrent renewals one wins", async () => {
        const customerId = newRandomId();
        const hash = tokenHash();
        const requestId = newRandomId();
        await h.storage.authorizeTokens.insert(hash, customerId, at(900_000));
        expect(await h.storage.authorizeTokens.renew(hash, customerId, requestId, tokenHash(), T0)).toBe(false); // not bound yet
        expect(await h.storage.authorizeTokens.boundRequestId(hash, customerId, T0)).toBeNull();
        expect(await h.storage.authorizeTokens.consume(hash, customerId, requestId, T0)).toBe(true);
        expect(await h.storage.authorizeTokens.boundRequestId(hash, customerId, T0)).toBe(requestId);
        const candidates = Array.from({ length: 10 }, () => tokenHash());
        const results = await Promise.all(candidates.map((next) => h.storage.authorizeTokens.renew(hash, customerId, requestId, next, T0)));
        expect(results.filter(Boolean)).toHaveLength(1);
        const winner = candidates[results.indexOf(true)] as string;
        expect(await h.storage.authorizeTokens.boundRequestId(hash, customerId, T0)).toBeUndefined();
        expect(await h.storage.authorizeTokens.boundRequestId(winner, customerId, T0)).toBeNull();
        expect(await h.storage.authorizeTokens.boundRequestId(winner, newRandomId(), T0)).toBeUndefined();
        expect(await h.storage.authorizeTokens.consume(winner, customerId, newRandomId(), at(899_999))).toBe(true);
        const late = tokenHash();
        await h.storage.authorizeTokens.insert(late, customerId, at(900_000));
        await h.storage.authorizeTokens.consume(late, customerId, requestId, T0);
        expect(await h.storage.authorizeTokens.renew(late, customerId, requestId, tokenHash(), at(900_000))).toBe(false);
      });

      it("consume is single use: of 10 concurrent consumes exactly one wins", async () => {
        const customerId = newRandomId();
        const hash = tokenHash();
        await h.storage.authorizeTokens.insert(hash, customerId, at(900_000));
        const requestIds = Array.from({ length: 10 }, () => newRandomId());
        const results = await Promise.all(requestIds.map((id) => h.storage.authorizeTokens.consume(hash, customerId, id, T0)));
        expect(results.filter(Boolean)).toHaveLength(1);
        const winner = requestIds[results.indexOf(true)] as string;
        const bound = await Promise.all(requestIds.map((id) => h.storage.authorizeTokens.isBoundTo(hash, customerId, id, T0)));
        expect(bound).toEqual(requestIds.map((id) => id === winner));
        // Not even the winner's RequestId may consume it again.
        expect(await h.storage.authorizeTokens.consume(hash, customerId, winner, T0)).toBe(false);
      });

      it("consume refuses a token at exactly expires_at (and accepts it 1 ms before)", async () => {
        const customerId = newRandomId();
        const hash = tokenHash();
        const expiresAt = at(900_000);
        await h.storage.authorizeTokens.insert(hash, customerId, expiresAt);
        expect(await h.storage.authorizeTokens.consume(hash, customerId, newRandomId(), expiresAt)).toBe(false);
        expect(await h.storage.authorizeTokens.consume(hash, customerId, newRandomId(), at(900_001))).toBe(false);
        expect(await h.storage.authorizeTokens.consume(hash, customerId, newRandomId(), at(899_999))).toBe(true);
      });

      it("consume refuses other customers and unknown tokens", async () => {
        const customerId = newRandomId();
        const hash = tokenHash();
        await h.storage.authorizeTokens.insert(hash, customerId, at(900_000));
        expect(await h.storage.authorizeTokens.consume(hash, newRandomId(), newRandomId(), T0)).toBe(false);
        expect(await h.storage.authorizeTokens.consume(tokenHash(), customerId, newRandomId(), T0)).toBe(false);
        // The refused attempt did not use it up.
        expect(await h.storage.authorizeTokens.consume(hash, customerId, newRandomId(), T0)).toBe(true);
      });

      it("isBoundTo holds only for the bound RequestId, its customer, and before expiry", async () => {
        const customerId = newRandomId();
        const hash = tokenHash();
        const requestId = newRandomId();
        const expiresAt = at(900_000);
        await h.storage.authorizeTokens.insert(hash, customerId, expiresAt);
        expect(await h.storage.authorizeTokens.isBoundTo(hash, customerId, requestId, T0)).toBe(false); // not consumed yet
        expect(await h.storage.authorizeTokens.consume(hash, customerId, requestId, T0)).toBe(true);

        expect(await h.storage.authorizeTokens.isBoundTo(hash, customerId, requestId, T0)).toBe(true);
        expect(await h.storage.authorizeTokens.isBoundTo(hash, customerId, requestId, at(899_999))).toBe(true);
        expect(await h.storage.authorizeTokens.isBoundTo(hash, customerId, requestId, expiresAt)).toBe(false);
        expect(await h.storage.authorizeTokens.isBoundTo(hash, customerId, newRandomId(), T0)).toBe(false);
        expect(await h.storage.authorizeTokens.isBoundTo(hash, newRandomId(), requestId, T0)).toBe(false);
      });

      it("insert of a duplicate token hash fails", async () => {
        const hash = tokenHash();
        await h.storage.authorizeTokens.insert(hash, newRandomId(), at(900_000));
        await expect(h.storage.authorizeTokens.insert(hash, newRandomId(), at(900_000))).rejects.toThrow();
      });
    });

    describe("ServerSettingStore", () => {
      it("getOrInit keeps the first value", async () => {
        const name = `conformance-${newRandomId()}`;
        expect(await h.storage.settings.getOrInit(name, "first")).toBe("first");
        expect(await h.storage.settings.getOrInit(name, "second")).toBe("first");
      });

      it("getOrInit agrees on one value under 10 concurrent first calls", async () => {
        const name = `conformance-${newRandomId()}`;
        const values = await Promise.all(Array.from({ length: 10 }, (_, i) => h.storage.settings.getOrInit(name, `candidate-${i}`)));
        expect(new Set(values).size).toBe(1);
        expect(values[0]).toMatch(/^candidate-\d$/);
      });
    });

    describe("CustomerStore", () => {
      it("upsert creates, then replaces name, keys, auth mode and Connect allow-lists; count counts customers", async () => {
        const before = await h.storage.customers.count();
        const customer = customerFixture();
        await h.storage.customers.upsert(customer, T0);
        expect(await h.storage.customers.find(customer.id)).toStrictEqual(customer);
        expect(await h.storage.customers.count()).toBe(before + 1);

        const rotated = {
          ...customer,
          name: "Acme 2",
          secretKeyHash: "3".repeat(64),
          apiKeyHash: "4".repeat(64),
          authMode: "open" as const,
          connect: { redirectUrls: [], parentOrigins: ["https://other.example"] },
        };
        await h.storage.customers.upsert(rotated, at(86_400_000));
        expect(await h.storage.customers.find(customer.id)).toStrictEqual(rotated);
        expect(await h.storage.customers.count()).toBe(before + 1);

        const row = await h.db.selectFrom("customers").select("created_at").where("id", "=", customer.id).executeTakeFirstOrThrow();
        expect(Number(row.created_at)).toBe(T0.getTime()); // creation time is kept

        expect(await h.storage.customers.find(newRandomId())).toBeUndefined();
        await h.storage.customers.upsert(customerFixture(), T0);
        expect(await h.storage.customers.count()).toBe(before + 2);
      });
    });
  });
});

/** A job row holding `singletonKey` (or none), in `state`. */
function jobRow(singletonKey: string | null, state: string) {
  return {
    id: newRandomId(),
    kind: "aggregate",
    payload_enc: "",
    singleton_key: singletonKey,
    state,
    attempts: 0,
    max_attempts: 3,
    run_at: 1000,
    locked_until: null,
    locked_by: null,
    last_error: null,
    created_at: 1000,
    updated_at: 1000,
  };
}

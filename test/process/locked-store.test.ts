/**
 * A store locked by another process, on the real server (docs/decisions.md, "Faults answered
 * as faults"): SQLite with the sqlite3 CLI holding the write lock (BEGIN IMMEDIATE), and
 * PostgreSQL with another session holding a table lock. Requests that need the lock answer
 * 503 RETRY_LATER with Retry-After once BANKGATE_STORE_WAIT_MS has passed; routes that need
 * no store (/health, /docs, the widget's files) answer meanwhile — before any of the waiting
 * requests, which a server blocked on the lock could not do; once the lock is released,
 * everything works again.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from "vitest";
import { createThrowawayDatabase, type ThrowawayDatabase } from "../helpers/process-cluster.js";
import { buildServer, removeBuild } from "../helpers/server-build.js";
import { type Answer, call, expectTemporarilyUnavailable, FlinksCalls } from "../helpers/server-calls.js";
import { SERVER_CUSTOMER, ServerProcess } from "../helpers/server-process.js";
import { holdSqliteWriteLock, type SqliteLockHolder } from "../helpers/sqlite-lock-holder.js";
import { skipPostgres } from "../helpers/test-store.js";

/** Long enough that the free routes surely answer first on a busy 2-core machine; short enough to wait for. */
const WAIT_MS = 2_000;
const WRITERS = 5;

let main = "";
let widgetDir = "";
beforeAll(async () => {
  main = await buildServer("locked-store", 170_000);
  // A stand-in widget build: its asset route reads no store.
  widgetDir = mkdtempSync(join(tmpdir(), "bankgate-locked-widget-"));
  mkdirSync(join(widgetDir, "assets"));
  writeFileSync(join(widgetDir, "index.html"), '<!doctype html><script>"__BANKGATE_SETTINGS__"</script>');
  writeFileSync(join(widgetDir, "assets", "app.js"), "console.log('widget');\n");
}, 180_000);
afterAll(() => {
  if (main) removeBuild(main);
  rmSync(widgetDir, { recursive: true, force: true });
});

/** The order answers arrived in, with each answer. */
async function inArrivalOrder(calls: Record<string, () => Promise<Answer>>): Promise<{ order: string[]; answers: Record<string, Answer> }> {
  const order: string[] = [];
  const answers: Record<string, Answer> = {};
  await Promise.all(
    Object.entries(calls).map(async ([name, send]) => {
      answers[name] = await send();
      order.push(name);
    }),
  );
  return { order, answers };
}

/** Writers first (they wait on the lock), then the routes that need no store. */
async function expectFreeRoutesAnswerWhileWritersWait(server: ServerProcess, flinks: FlinksCalls, loginId: string): Promise<void> {
  const writers = Object.fromEntries(
    Array.from({ length: WRITERS }, (_, i) => [`writer-${i}`, () => (i % 2 ? flinks.generateToken() : flinks.cachedAuthorize(loginId))]),
  );
  const { order, answers } = await inArrivalOrder({
    ...writers,
    health: () => call(server.base, "/health"),
    docs: () => call(server.base, "/docs/json"),
    widget: () => call(server.base, "/connect/assets/app.js"),
  });
  expect(order.slice(0, 3).sort()).toEqual(["docs", "health", "widget"]);
  for (const name of ["health", "docs", "widget"]) expect(answers[name]?.status, name).toBe(200);
  for (const name of Object.keys(writers)) expectTemporarilyUnavailable(answers[name] as Answer, 1);
}

describe("SQLite locked by another process", () => {
  let server: ServerProcess | null = null;
  let holder: SqliteLockHolder | null = null;
  let dataDir = "";
  afterEach(async () => {
    holder?.kill();
    await server?.kill();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("answers 503 with Retry-After to writes, serves the rest meanwhile, and works again once the lock is released", async () => {
    dataDir = mkdtempSync(join(tmpdir(), "bankgate-locked-"));
    server = await ServerProcess.start({
      main,
      dataDir,
      env: { BANKGATE_STORE_WAIT_MS: String(WAIT_MS), BANKGATE_DATA_SYNC_WAIT_SECONDS: "0", BANKGATE_WIDGET_DIR: widgetDir },
    });
    const flinks = new FlinksCalls(server.base, SERVER_CUSTOMER);
    const loginId = await flinks.connect("Greatday+locked");

    holder = await holdSqliteWriteLock(join(dataDir, "bankgate.sqlite"), "DELETE FROM server_settings WHERE name = 'none'");
    await expectFreeRoutesAnswerWhileWritersWait(server, flinks, loginId);
    // Reads need no lock in WAL mode: the card's page still opens.
    expect((await call(server.base, `/connect/${SERVER_CUSTOMER.customerId}`)).status).toBe(200);

    await holder.release();
    expect((await flinks.generateToken()).status).toBe(200);
    const reopened = await flinks.cachedAuthorize(loginId);
    expect(reopened.status).toBe(200);
    expect((await flinks.post("GetAccountsDetail", { RequestId: reopened.body.RequestId })).status).toBe(200);
  });
});

describe.skipIf(skipPostgres)("PostgreSQL with a table locked by another session", () => {
  let server: ServerProcess | null = null;
  let database: ThrowawayDatabase | null = null;
  let locker: pg.Client | null = null;
  let dataDir: string | null = null;
  afterEach(async () => {
    await locker?.end().catch(() => {});
    await server?.kill();
    await database?.drop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it("answers 503 with Retry-After once lock_timeout passes, serves the rest meanwhile, and works again once the lock is released", async () => {
    database = await createThrowawayDatabase(inject("databaseUrl"), "locked");
    dataDir = mkdtempSync(join(tmpdir(), "bankgate-locked-pg-"));
    server = await ServerProcess.start({
      main,
      dataDir,
      env: {
        DATABASE_URL: database.url,
        BANKGATE_STORE_WAIT_MS: String(WAIT_MS),
        BANKGATE_DATA_SYNC_WAIT_SECONDS: "0",
        BANKGATE_WIDGET_DIR: widgetDir,
      },
    });
    const flinks = new FlinksCalls(server.base, SERVER_CUSTOMER);
    const loginId = await flinks.connect("Greatday+locked-pg");

    locker = new pg.Client({ connectionString: database.url });
    await locker.connect();
    await locker.query("BEGIN");
    await locker.query("LOCK TABLE authorize_tokens, sessions IN EXCLUSIVE MODE");
    await expectFreeRoutesAnswerWhileWritersWait(server, flinks, loginId);

    await locker.query("ROLLBACK");
    expect((await flinks.generateToken()).status).toBe(200);
    expect((await flinks.cachedAuthorize(loginId)).status).toBe(200);
  });
});

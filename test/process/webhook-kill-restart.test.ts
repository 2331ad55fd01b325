/**
 * Quality bar R7 (docs/quality-bars.md): webhooks survive a kill -9 of the server. The compiled server runs as a
 * child with its development customer's receiver set by BANKGATE_WEBHOOK_URL (a receiver on
 * 127.0.0.1 in this test) and SIGKILLs itself at a fault point (src/lib/fault-points.ts):
 * - right after the aggregation's commit, before any delivery: the events were committed
 *   with the data, and the restarted server delivers them;
 * - after the receiver answered 200, before the attempt is recorded: the restarted server
 *   sends the event again with the same EventId (at least once; the receiver dedupes).
 * Every accepted webhook is checked against its signature with node:crypto directly.
 */
import { createHmac } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import SqliteDatabase from "better-sqlite3";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { FaultPoint } from "../../src/lib/fault-points.js";
import { buildServer, removeBuild, sleep } from "../helpers/server-build.js";
import { SERVER_CUSTOMER, ServerProcess } from "../helpers/server-process.js";
import { WebhookReceiver } from "../helpers/webhook-receiver.js";

const SECRET = "kill-restart-webhook-secret";
const NO_MFA = { Institution: "FlinksCapital", Username: "greatday_nomfa", Password: "Everyday", MostRecentCached: false, Save: true };
/** A dead process's job is claimed again once its claim lapses: 2 s here. */
const TIMING = { BANKGATE_JOB_CLAIM_SECONDS: "2", BANKGATE_JOB_POLL_INTERVAL_MS: "50", BANKGATE_CONNECTOR_TIMEOUT_SECONDS: "2" };
const DELIVERY_BOUND_MS = 10_000;

let main: string;

beforeAll(async () => {
  main = await buildServer("webhook-kill-restart", 170_000);
}, 180_000);

afterAll(() => {
  if (main) removeBuild(main);
});

describe("webhooks across a kill -9", () => {
  let dataDir: string;
  let receiver: WebhookReceiver;
  let server: ServerProcess | null = null;

  beforeEach(async () => {
    dataDir = mkdtempSync(join(tmpdir(), "bankgate-webhook-kill-"));
    receiver = await WebhookReceiver.start();
  });
  afterEach(async () => {
    await server?.kill();
    await receiver.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function start(faultPoint?: FaultPoint): Promise<ServerProcess> {
    server = await ServerProcess.start({
      main,
      dataDir,
      env: {
        ...TIMING,
        BANKGATE_WEBHOOK_URL: receiver.url,
        BANKGATE_WEBHOOK_SECRET: SECRET,
        ...(faultPoint ? { BANKGATE_FAULT_POINT: faultPoint } : {}),
      },
    });
    return server;
  }

  async function login(base: string): Promise<string> {
    const prefix = `${base}/v3/${SERVER_CUSTOMER.customerId}/BankingServices`;
    const token = await fetch(`${prefix}/GenerateAuthorizeToken`, {
      method: "POST",
      headers: { "flinks-auth-key": SERVER_CUSTOMER.secretKey },
    });
    const { Token } = (await token.json()) as { Token: string };
    const reply = await fetch(`${prefix}/Authorize`, {
      method: "POST",
      headers: { "content-type": "application/json", "flinks-auth-key": Token },
      body: JSON.stringify(NO_MFA),
    });
    expect(reply.status).toBe(200);
    return ((await reply.json()) as { RequestId: string }).RequestId;
  }

  /** Waits (bounded) until the receiver has accepted every one of these event ids. */
  async function acceptedAll(eventIds: readonly string[]): Promise<void> {
    const deadline = Date.now() + DELIVERY_BOUND_MS;
    const accepted = () => new Set(receiver.accepted().map((hook) => hook.body.EventId));
    while (!eventIds.every((id) => accepted().has(id)) && Date.now() < deadline) await sleep(50);
    expect([...accepted()].sort()).toEqual([...eventIds].sort());
  }

  function expectAuthentic(): void {
    for (const hook of receiver.received) {
      const expected = createHmac("sha256", SECRET).update(hook.rawBody).digest("base64");
      expect(hook.headers["flinks-authenticity-key"]).toBe(expected);
    }
  }

  it("killed right after the aggregation's commit: the restarted server delivers its events", async () => {
    const first = await start("aggregation:after-commit");
    const requestId = await login(first.base);
    expect(await first.waitForExit(10_000)).toEqual({ code: null, signal: "SIGKILL" });

    // The events committed with the data: both outbox rows are there.
    const events = readEvents(dataDir);
    expect(events.map((e) => e.type).sort()).toEqual(["GetAccountsDetail", "KYC"]);

    await start();
    await acceptedAll(events.map((e) => e.id));
    expectAuthentic();
    for (const hook of receiver.accepted()) expect(hook.body.RequestId).toBe(requestId);
    expect(readEvents(dataDir).map((e) => e.state)).toEqual(["delivered", "delivered"]);
  });

  it("killed after the receiver's 200, before the attempt is recorded: sent again with the same EventId", async () => {
    const first = await start("webhook-delivery:after-post");
    await login(first.base);
    expect(await first.waitForExit(10_000)).toEqual({ code: null, signal: "SIGKILL" });
    const [delivered] = receiver.accepted();
    expect(delivered).toBeDefined();

    await start();
    const events = readEvents(dataDir);
    await acceptedAll(events.map((e) => e.id));
    // The interrupted delivery reruns once its dead claim lapses, possibly after the other event.
    const copiesOf = () => receiver.accepted().filter((hook) => hook.body.EventId === delivered?.body.EventId);
    const deadline = Date.now() + DELIVERY_BOUND_MS;
    while (copiesOf().length < 2 && Date.now() < deadline) await sleep(50);
    expectAuthentic();
    // The duplicate carries the same id and the same bytes: the receiver can drop it.
    const copies = copiesOf();
    expect(copies.length).toBeGreaterThanOrEqual(2);
    for (const copy of copies) expect(copy.rawBody.equals(delivered?.rawBody ?? Buffer.alloc(0))).toBe(true);
  });
});

/** The outbox as the killed process left it (read while no server runs, or read-only beside one). */
function readEvents(dataDir: string): Array<{ id: string; type: string; state: string }> {
  const db = new SqliteDatabase(join(dataDir, "bankgate.sqlite"), { readonly: true, fileMustExist: true });
  try {
    return db.prepare("select id, type, state from webhook_events order by type").all() as Array<{
      id: string;
      type: string;
      state: string;
    }>;
  } finally {
    db.close();
  }
}

/**
 * A full disk, in both layouts, on the real process (docs/decisions.md, "Faults answered as
 * faults"). The disk is a small tmpfs (test/helpers/small-disk.ts; root only) filled to the
 * last byte and freed again:
 * - the log stream on the full disk: every request is still answered, the lines that could
 *   not be written are counted in GET /health, and logging resumes once space is back;
 * - the store on the full disk: a write answers 503 RETRY_LATER with Retry-After, routes that
 *   need no write keep answering, and writes work again by themselves once space is back.
 */
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { newRandomId } from "../../src/lib/ids.js";
import { buildServer, removeBuild, sleep } from "../helpers/server-build.js";
import { type Answer, call, expectTemporarilyUnavailable, FlinksCalls } from "../helpers/server-calls.js";
import { SERVER_CUSTOMER, ServerProcess } from "../helpers/server-process.js";
import { canMount, mountSmallDisk, type SmallDisk } from "../helpers/small-disk.js";

/** Writes that meet the full disk before one fails (each session row needs a new WAL page before long). */
const MAX_WRITES = 3_000;
const TIMING = { BANKGATE_DATA_SYNC_WAIT_SECONDS: "0", BANKGATE_JOB_POLL_INTERVAL_MS: "50" };

let main = "";
beforeAll(async () => {
  if (canMount) main = await buildServer("full-disk", 170_000);
}, 180_000);
afterAll(() => {
  if (main) removeBuild(main);
});

/**
 * Waits until the card's aggregation job has settled, not only published its data: connect()
 * returns on the data, and a settle still in flight when the disk fills waits for space (the
 * runner tries it again), a cached session meanwhile answering 202 — the settle's retry has a
 * test of its own (test/storage/job-completion-retry.test.ts); this one is about the answers.
 */
async function aggregationSettled(flinks: FlinksCalls, loginId: string): Promise<void> {
  for (const deadline = Date.now() + 20_000; ; ) {
    const cached = await flinks.cachedAuthorize(loginId);
    expect(cached.status, JSON.stringify(cached.body)).toBe(200);
    if ((await flinks.post("GetAccountsDetail", { RequestId: cached.body.RequestId })).status === 200) return;
    if (Date.now() > deadline) throw new Error(`the aggregation of ${loginId} did not settle`);
    await sleep(50);
  }
}

describe.skipIf(!canMount)("a full disk", () => {
  let disk: SmallDisk | null = null;
  let server: ServerProcess | null = null;
  let dataDir: string | null = null;
  let logFd: number | null = null;
  afterEach(async () => {
    await server?.kill();
    if (logFd !== null) closeSync(logFd);
    await disk?.unmount();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    server = null;
    disk = null;
    dataDir = null;
    logFd = null;
  });

  it("under the log stream: drops and counts log lines, answers every request, logs again once space is back", async () => {
    disk = await mountSmallDisk(512);
    dataDir = mkdtempSync(join(tmpdir(), "bankgate-full-log-"));
    const logFile = join(disk.dir, "bankgate.log");
    logFd = openSync(logFile, "a");
    server = await ServerProcess.start({ main, dataDir, stdoutFd: logFd, env: { ...TIMING, LOG_LEVEL: "info" } });
    const flinks = new FlinksCalls(server.base, SERVER_CUSTOMER);
    const loginId = await flinks.connect("Greatday+log");
    expect(readFileSync(logFile, "utf8")).toContain('"path":"/health"');

    disk.fill();
    for (let i = 0; i < 50; i++) {
      expect((await flinks.generateToken()).status).toBe(200);
      expect((await flinks.cachedAuthorize(loginId)).status).toBe(200);
    }
    const during = await call(server.base, "/health");
    expect(during.status).toBe(200);
    expect(during.body.droppedLogs.lines).toBeGreaterThan(0);
    expect(during.body.droppedLogs.lastErrorCode).toBe("ENOSPC");
    expect(server.alive()).toBe(true);

    disk.free();
    // The line of the /health answer above was dropped after it was sent: count from here.
    const droppedBefore = (await call(server.base, "/health")).body.droppedLogs.lines;
    const marker = `/after-space-returned-${newRandomId()}`;
    expect((await call(server.base, marker)).status).toBe(404);
    expect((await flinks.cachedAuthorize(loginId)).status).toBe(200);
    const after = await call(server.base, "/health");
    expect(after.body.droppedLogs.lines).toBe(droppedBefore);
    const lines = readFileSync(logFile, "utf8").split("\n");
    const markerLine = lines.findIndex((line) => line.includes(marker));
    expect(markerLine).toBeGreaterThan(0);
    // Every line written since is whole JSON: a line cut short by the full disk ended on its own.
    for (const line of lines.slice(markerLine).filter(Boolean)) expect(() => JSON.parse(line)).not.toThrow();
  });

  it("under the store: answers writes 503 with Retry-After, keeps serving the rest, recovers by itself", async () => {
    disk = await mountSmallDisk(2048);
    server = await ServerProcess.start({ main, dataDir: join(disk.dir, "data"), env: TIMING });
    const flinks = new FlinksCalls(server.base, SERVER_CUSTOMER);
    const loginId = await flinks.connect("Greatday+store");
    await aggregationSettled(flinks, loginId);

    disk.fill();
    let refused: Answer | null = null;
    let written = 0;
    for (; written < MAX_WRITES && !refused; written++) {
      const answer = await flinks.cachedAuthorize(loginId);
      if (answer.status !== 200) refused = answer;
    }
    expect(refused, `${written} writes went through on a full disk`).not.toBeNull();
    expectTemporarilyUnavailable(refused as Answer, 30);
    expectTemporarilyUnavailable(await flinks.generateToken(), 30);
    expect((await call(server.base, "/health")).status).toBe(200);
    expect((await call(server.base, "/docs/json")).status).toBe(200);
    expect(server.alive()).toBe(true);

    disk.free();
    const reopened = await flinks.cachedAuthorize(loginId);
    expect(reopened.status, JSON.stringify(reopened.body)).toBe(200);
    expect((await flinks.post("GetAccountsDetail", { RequestId: reopened.body.RequestId })).status).toBe(200);
    expect((await flinks.generateToken()).status).toBe(200);
  });
});

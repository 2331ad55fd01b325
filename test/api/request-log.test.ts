import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "../../src/app.js";
import { loadConfig } from "../../src/config/config.js";
import { createDeps, type Deps } from "../../src/deps.js";
import { ManualClock } from "../../src/lib/clock.js";
import type { DroppingLogStream } from "../../src/lib/dropping-log-stream.js";
import { TEST_MASTER_KEYS } from "../helpers/test-app.js";

interface LogLine {
  msg: string;
  reqId?: string;
  req?: Record<string, unknown>;
  route?: string | null;
  statusCode?: number;
  durationMs?: number;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe("request logs: one JSON line per request, its id sent back in X-Request-Id", () => {
  const written: string[] = [];
  const stream = { write: (line: string) => void written.push(line), dropped: () => 0 } as unknown as DroppingLogStream;
  let dataDir: string;
  let deps: Deps;
  let app: FastifyInstance;
  const lines = () => written.flatMap((chunk) => chunk.split("\n").filter(Boolean)).map((line) => JSON.parse(line) as LogLine);
  const requestLines = () => lines().filter((line) => line.msg === "request");

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), "bankgate-request-log-"));
    const config = loadConfig({ BANKGATE_DATA_DIR: dataDir, BANKGATE_MASTER_KEYS: TEST_MASTER_KEYS, LOG_LEVEL: "info" });
    deps = await createDeps(config, { clock: new ManualClock() });
    app = await buildApp(deps, { logStream: stream });
  });
  afterAll(async () => {
    await app.close();
    await deps.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("logs route, status and duration once, under the id the caller offered", async () => {
    const before = requestLines().length;
    const response = await app.inject({
      method: "GET",
      url: "/bankgate/v1/institutions?lang=fr",
      headers: { "x-request-id": "edge-7f3a.42" },
    });
    expect(response.headers["x-request-id"]).toBe("edge-7f3a.42");
    const logged = requestLines().slice(before);
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatchObject({
      reqId: "edge-7f3a.42",
      req: { method: "GET", path: "/bankgate/v1/institutions", id: "edge-7f3a.42" },
      route: "/bankgate/v1/institutions",
      statusCode: 200,
    });
    expect(logged[0]?.durationMs).toBeGreaterThanOrEqual(0);
    expect(lines().some((line) => line.msg === "incoming request" || line.msg === "request completed")).toBe(false);
  });

  it("replaces an id that is not short and plain with a UUID, and logs errors and unknown URLs too", async () => {
    const forged = await app.inject({ method: "GET", url: "/health", headers: { "x-request-id": 'x"}\n{"level":60' } });
    expect(forged.headers["x-request-id"]).toMatch(UUID);
    const unknown = await app.inject({ method: "GET", url: "/nowhere/at/all" });
    expect(unknown.statusCode).toBe(404);
    const refused = await app.inject({ method: "POST", url: "/v3/nobody/BankingServices/GenerateAuthorizeToken" });
    expect(refused.statusCode).toBe(401);
    const logged = requestLines().slice(-3);
    expect(logged.map((line) => [line.reqId, line.route, line.statusCode])).toEqual([
      [forged.headers["x-request-id"], "/health", 200],
      [unknown.headers["x-request-id"], null, 404],
      [refused.headers["x-request-id"], "/v3/:customerId/BankingServices/GenerateAuthorizeToken", 401],
    ]);
    // Each request its own id.
    expect(new Set(logged.map((line) => line.reqId)).size).toBe(3);
  });
});

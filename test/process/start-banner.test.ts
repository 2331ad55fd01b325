import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildServer, removeBuild } from "../helpers/server-build.js";
import { SERVER_CUSTOMER, ServerProcess } from "../helpers/server-process.js";

/**
 * The start banner: it says which development conveniences are on and why, and shows the
 * development customer's keys only on the start that generated them — on stderr, never on the
 * log stream (stdout), never keys that came from the environment, never outside development.
 */
let main = "";
beforeAll(async () => {
  main = await buildServer("banner", 170_000);
}, 180_000);
afterAll(() => removeBuild(main));

const GENERATED = { BANKGATE_CUSTOMER_ID: "", BANKGATE_SECRET_KEY: "", BANKGATE_API_KEY: "", BANKGATE_MASTER_KEYS: "", LOG_LEVEL: "info" };

async function startedOnce(dataDir: string, env: Record<string, string>) {
  const server = await ServerProcess.start({ main, dataDir, env });
  // One logged request, so the log stream has something in it.
  await fetch(`${server.base}/health`);
  await server.stop();
  return { stdout: server.stream("stdout"), stderr: server.stream("stderr") };
}

describe("start banner", () => {
  it("prints generated keys once, on stderr only, and never again", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "bankgate-banner-"));
    try {
      const first = await startedOnce(dataDir, GENERATED);
      const keys = JSON.parse(readFileSync(join(dataDir, "dev-customer.json"), "utf8"));
      expect(first.stderr).toContain("Development deployment");
      expect(first.stderr).toContain(keys.secretKey);
      expect(first.stderr).toContain(keys.apiKey);
      expect(first.stdout).not.toContain(keys.secretKey);
      expect(first.stdout).not.toContain(keys.apiKey);
      expect(first.stdout).toContain('"path":"/health"');

      const second = await startedOnce(dataDir, GENERATED);
      for (const stream of [second.stdout, second.stderr]) {
        expect(stream).not.toContain(keys.secretKey);
        expect(stream).not.toContain(keys.apiKey);
      }
      expect(second.stderr).toContain(keys.customerId);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it.each([
    ["in development", {}],
    ["in production", { NODE_ENV: "production" }],
  ])("never prints keys that came from the environment (%s)", async (_name, env) => {
    const dataDir = mkdtempSync(join(tmpdir(), "bankgate-banner-"));
    try {
      const { stdout, stderr } = await startedOnce(dataDir, { LOG_LEVEL: "info", ...env });
      for (const stream of [stdout, stderr]) {
        expect(stream).not.toContain(SERVER_CUSTOMER.secretKey);
        expect(stream).not.toContain(SERVER_CUSTOMER.apiKey);
      }
      if ("NODE_ENV" in env) expect(stderr).toContain("Not a development deployment (NODE_ENV=production)");
      // The dashboard is a development convenience: named in development, absent in production.
      if ("NODE_ENV" in env) expect(stderr).not.toContain("/dashboard/");
      else expect(stderr).toMatch(/Dashboard .*\/dashboard\/ /);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

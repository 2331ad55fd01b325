import { type ChildProcess, spawn } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../helpers/free-port.js";
import { sleep } from "../helpers/server-build.js";
import { cleanEnv, execFile, type PackedBankgate, packAndInstall } from "./packed-bankgate.js";

/**
 * Issue 15 item 1: the tarball `npm pack` makes, installed into an empty folder, runs —
 * `npx bankgate --help` lists the commands and `npx bankgate start` serves the API and the
 * widget — with no TypeScript build at install.
 */
describe("the npm package", () => {
  let packed: PackedBankgate;

  beforeAll(async () => {
    packed = await packAndInstall();
  }, 6 * 60_000);
  afterAll(() => packed?.dispose());

  it("holds the built server, the built widget and dashboard, and the license, and no sources, tests or source maps", async () => {
    const { stdout } = await execFile("tar", ["tzf", packed.tarball], { timeout: 30_000, maxBuffer: 16 * 1024 * 1024 });
    const files = stdout.split("\n").filter(Boolean);
    for (const file of [
      "package/LICENSE",
      "package/README.md",
      "package/dist/main.js",
      "package/dist/cli/bankgate.js",
      "package/dist/index.js",
      "package/dist/index.d.ts",
      "package/dist/testing/index.js",
      "package/dist/testing/index.d.ts",
      "package/dist/client/index.js",
      "package/dist/client/index.d.ts",
      "package/dist/playwright/index.js",
      "package/dist/playwright/index.d.ts",
      "package/dist/connect/index.html",
      "package/dist/dashboard/index.html",
    ]) {
      expect(files).toContain(file);
    }
    expect(
      files.filter(
        (file) =>
          /^package\/(src|test|bench|widget|dashboard|ui-shared|scripts)\//.test(file) ||
          file.endsWith(".map") ||
          (file.endsWith(".ts") && !file.endsWith(".d.ts")),
      ),
    ).toEqual([]);
  });

  it("`npx bankgate --help` lists every command", async () => {
    const { stdout } = await execFile("npx", ["--no-install", "bankgate", "--help"], {
      cwd: packed.installDir,
      env: cleanEnv(),
      timeout: 60_000,
    });
    for (const command of ["start", "migrate", "customers", "master-key", "purge", "doctor", "sandbox"])
      expect(stdout).toMatch(new RegExp(`^  ${command}\\b`, "m"));
  });

  it("bankgate/client runs with no dependency (its dist/client alone imports), and bankgate/playwright without playwright-core", async () => {
    const alone = mkdtempSync(join(tmpdir(), "bankgate-client-alone-"));
    try {
      cpSync(join(packed.installDir, "node_modules", "bankgate", "dist", "client"), join(alone, "client"), { recursive: true });
      writeFileSync(join(alone, "package.json"), '{ "type": "module" }\n');
      const script = 'const c = await import("./client/index.js"); console.log(JSON.stringify(Object.keys(c).sort()));';
      const { stdout } = await execFile("node", ["--input-type=module", "-e", script], { cwd: alone, env: cleanEnv(), timeout: 30_000 });
      expect(JSON.parse(stdout)).toEqual(["BankgateClientError", "BankgateControl", "FlinksClient", "isFlinksError"]);
      // bankgate/playwright imports nothing either: playwright-core is the integrator's (an optional peer, not installed here).
      const helper = 'const p = await import("bankgate/playwright"); console.log(JSON.stringify(Object.keys(p)));';
      const imported = await execFile("node", ["--input-type=module", "-e", helper], {
        cwd: packed.installDir,
        env: cleanEnv(),
        timeout: 30_000,
      });
      expect(JSON.parse(imported.stdout)).toEqual(["connectInWidget"]);
    } finally {
      rmSync(alone, { recursive: true, force: true });
    }
  });

  it("`npx bankgate start` answers /health and serves the widget", async () => {
    const port = await freePort();
    const child = spawn(
      "npx",
      ["--no-install", "bankgate", "start", "--port", String(port), "--data-dir", join(packed.installDir, "data")],
      {
        cwd: packed.installDir,
        env: { ...cleanEnv(), LOG_LEVEL: "warn" },
        stdio: ["ignore", "pipe", "pipe"],
        detached: true,
      },
    );
    const output: string[] = [];
    child.stdout?.on("data", (chunk: Buffer) => output.push(chunk.toString()));
    child.stderr?.on("data", (chunk: Buffer) => output.push(chunk.toString()));
    try {
      const health = await waitForHealth(`http://127.0.0.1:${port}`, child, output);
      expect(health).toMatchObject({ status: "ok", store: "sqlite" });
      const widget = await fetch(`http://127.0.0.1:${port}/connect/index.html`, { redirect: "manual" });
      expect([200, 302]).toContain(widget.status);
      expect(output.join("")).toContain(`bankgate is listening on http://127.0.0.1:${port}`);
      // bankgate/client from the installed package: a live login with the development customer's keys, then its data.
      const keys = JSON.parse(readFileSync(join(packed.installDir, "data", "dev-customer.json"), "utf8"));
      const { stdout } = await execFile("node", ["--input-type=module", "-e", CLIENT_FLOW], {
        cwd: packed.installDir,
        env: { ...cleanEnv(), BANKGATE_URL: `http://127.0.0.1:${port}`, ...keysEnv(keys) },
        timeout: 60_000,
      });
      expect(JSON.parse(stdout)).toEqual({ institutions: true, login: 200, accounts: 4 });
    } finally {
      await stop(child);
    }
  });
});

/** What an integrator's script does with bankgate/client (keys from the environment). */
const CLIENT_FLOW = `
import { BankgateControl, FlinksClient } from "bankgate/client";
const { BANKGATE_URL: url, CUSTOMER_ID: customerId, SECRET_KEY: secretKey, API_KEY: apiKey } = process.env;
const control = new BankgateControl({ url, customerId, secretKey });
const institutions = (await control.institutions()).institutions.some((i) => i.id === "FlinksCapital");
const flinks = new FlinksClient({ baseUrl: url + "/v3/" + customerId + "/BankingServices", apiKey, secretKey, poll: { intervalMs: 50 } });
const login = await flinks.authorize({ Institution: "FlinksCapital", Username: "greatday_nomfa", Password: "Everyday", MostRecentCached: false });
const detail = login.HttpStatusCode === 200 ? await flinks.getAccountsDetailAndWait({ RequestId: login.RequestId }) : null;
console.log(JSON.stringify({ institutions, login: login.HttpStatusCode, accounts: detail?.Accounts?.length }));
`;

function keysEnv(keys: { customerId: string; secretKey: string; apiKey: string }): Record<string, string> {
  return { CUSTOMER_ID: keys.customerId, SECRET_KEY: keys.secretKey, API_KEY: keys.apiKey };
}

async function waitForHealth(base: string, child: ChildProcess, output: string[]): Promise<unknown> {
  for (let attempt = 0; attempt < 600; attempt++) {
    if (child.exitCode !== null) throw new Error(`bankgate exited (${child.exitCode}):\n${output.join("")}`);
    try {
      const response = await fetch(`${base}/health`, { signal: AbortSignal.timeout(1_000) });
      if (response.status === 200) return response.json();
    } catch {
      // not listening yet
    }
    await sleep(50);
  }
  throw new Error(`bankgate did not answer /health:\n${output.join("")}`);
}

/** SIGTERM to the whole group (npx and the node it started), SIGKILL if it lingers. */
async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.pid === undefined) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  process.kill(-child.pid, "SIGTERM");
  const timer = setTimeout(() => child.pid && process.kill(-child.pid, "SIGKILL"), 10_000);
  await exited;
  clearTimeout(timer);
}

import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { freePort } from "../helpers/free-port.js";
import { ROOT, sleep } from "../helpers/server-build.js";
import { call, FlinksCalls } from "../helpers/server-calls.js";
import { SERVER_CUSTOMER, SERVER_MASTER_KEYS } from "../helpers/server-process.js";
import { buildCli, type Cli, cliEnv } from "./cli-process.js";

/**
 * The commands that meet a running server: `bankgate start` itself, the `sandbox` commands
 * against its control plane, and the store-side commands (customers, purge, master-key
 * rotate, doctor) beside it on the same SQLite store.
 */
// Each test runs the CLI several times, a Node start each (about a second, several on a loaded machine).
vi.setConfig({ testTimeout: 120_000 });

let cli: Cli;
let work: string;
let server: ChildProcess;
let base: string;
let port: number;
const output: string[] = [];
const serverEnv = {
  NODE_ENV: "test",
  LOG_LEVEL: "warn",
  BANKGATE_MASTER_KEYS: SERVER_MASTER_KEYS,
  BANKGATE_CUSTOMER_ID: SERVER_CUSTOMER.customerId,
  BANKGATE_SECRET_KEY: SERVER_CUSTOMER.secretKey,
  BANKGATE_API_KEY: SERVER_CUSTOMER.apiKey,
};
const dataDir = () => join(work, "data");

beforeAll(async () => {
  cli = await buildCli("cli-server");
  work = mkdtempSync(join(tmpdir(), "bankgate-cli-server-"));
  port = await freePort();
  base = `http://127.0.0.1:${port}`;
  server = spawn(process.execPath, [cli.bin, "start", "--port", String(port), "--data-dir", dataDir(), "--nightly-refresh", "off"], {
    cwd: ROOT,
    env: { ...cliEnv(), ...serverEnv },
    stdio: ["ignore", "pipe", "pipe"],
  });
  server.stdout?.on("data", (chunk: Buffer) => output.push(chunk.toString()));
  server.stderr?.on("data", (chunk: Buffer) => output.push(chunk.toString()));
  process.once("exit", () => server.kill("SIGKILL"));
  for (let attempt = 0; ; attempt++) {
    if (server.exitCode !== null || attempt === 400) throw new Error(`bankgate start did not answer /health:\n${output.join("")}`);
    const health = await fetch(`${base}/health`).catch(() => null);
    if (health?.status === 200) break;
    await sleep(50);
  }
}, 540_000);

afterAll(async () => {
  if (server && server.exitCode === null) {
    const exited = new Promise((resolve) => server.once("exit", resolve));
    server.kill("SIGKILL");
    await exited;
  }
  cli?.remove();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe("bankgate start", () => {
  it("serves the API with the flags it was given, and prints the banner", async () => {
    expect(output.join("")).toContain(`bankgate is listening on ${base}`);
    const token = await new FlinksCalls(base, SERVER_CUSTOMER).generateToken();
    expect(token.status).toBe(200);
  });

  it("refuses a bad flag before starting anything (exit 3, naming the variable)", async () => {
    const bad = await cli.run(["start", "--port", "eighty", "--data-dir", join(work, "never")]);
    expect(bad).toMatchObject({ code: 3, stderr: expect.stringContaining("PORT") });
  });
});

// Before the sandbox tests move the server's virtual clock (the commands read the wall clock).
describe("store-side commands beside a running server", () => {
  const at = () => ["--data-dir", dataDir()];

  it("customers: a created customer's keys work on the server; re-keyed, only the new ones do", async () => {
    const created = await cli.json<{ customerId: string; secretKey: string; apiKey: string }>([
      "customers",
      "create",
      "--name",
      "Beside",
      ...at(),
    ]);
    const rotated = await cli.json<{ secretKey: string }>(["customers", "rotate-keys", created.customerId, "--only", "secret", ...at()]);
    const tokenWith = (secretKey: string) =>
      call(base, `/v3/${created.customerId}/BankingServices/GenerateAuthorizeToken`, {
        method: "POST",
        headers: { "flinks-auth-key": secretKey },
      });
    expect((await tokenWith(rotated.secretKey)).status).toBe(200);
    expect((await tokenWith(created.secretKey)).status).toBe(401);
  });

  it("customers: the development customer from the environment is listed but not changed", async () => {
    const listed = await cli.json<Array<{ customerId: string; source: string }>>(["customers", "list", ...at()], serverEnv);
    expect(listed).toContainEqual(expect.objectContaining({ customerId: SERVER_CUSTOMER.customerId, source: "environment" }));
    const refused = await cli.run(["customers", "rotate-keys", SERVER_CUSTOMER.customerId, ...at()], serverEnv);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("BANKGATE_CUSTOMER_ID");
    expect((await new FlinksCalls(base, SERVER_CUSTOMER).generateToken()).status).toBe(200);
  });

  it("purge: deletes finished jobs past their window and says so; a second run finds only what finished meanwhile", async () => {
    await new FlinksCalls(base, SERVER_CUSTOMER).connect("Greatday+purge");
    type Report = { deleted: Record<string, number> };
    const first = await cli.json<Report>(["purge", "--retention-jobs-seconds", "0", ...at()]);
    expect(first.deleted.jobs).toBeGreaterThan(0);
    const second = await cli.json<Report>(["purge", "--retention-jobs-seconds", "0", ...at()]);
    expect(second.deleted.jobs).toBeLessThan(first.deleted.jobs ?? 0);
  });

  it("doctor: names the port as taken by the running server", async () => {
    const report = await cli.json<{ checks: Array<{ name: string; status: string; fix?: string }> }>(
      ["doctor", "--port", String(port), "--widget-dir", ROOT, ...at()],
      serverEnv,
      1,
    );
    expect(report.checks.find((check) => check.name === "port")).toMatchObject({ status: "fail", fix: expect.stringContaining("--port") });
  });
});

describe("bankgate sandbox", () => {
  const env = { BANKGATE_CUSTOMER_ID: SERVER_CUSTOMER.customerId, BANKGATE_SECRET_KEY: SERVER_CUSTOMER.secretKey };
  const at = () => ["--url", base];

  it("reads, advances, freezes and unfreezes the virtual clock", async () => {
    type Clock = { now: string; offsetSeconds: number; frozen: boolean };
    const before = await cli.json<Clock>(["sandbox", "clock", ...at()], env);
    const advanced = await cli.json<Clock>(["sandbox", "advance", "3600", ...at()], env);
    expect(advanced.offsetSeconds - before.offsetSeconds).toBe(3600);
    expect((await cli.json<Clock>(["sandbox", "freeze", ...at()], env)).frozen).toBe(true);
    expect((await cli.json<Clock>(["sandbox", "unfreeze", ...at()], env)).frozen).toBe(false);
    expect((await cli.run(["sandbox", "advance", "soon", ...at()], env)).code).toBe(2);
  });

  it("registers a scenario script from a file and reads it back", async () => {
    const script = { name: "cli_pet_question", steps: [{ challenges: [{ type: "QuestionAndAnswer", prompt: "Pet?", answers: ["Rex"] }] }] };
    const file = join(work, "script.json");
    writeFileSync(file, JSON.stringify(script));
    await cli.json(["sandbox", "script", "put", file, ...at()], env);
    expect(await cli.json(["sandbox", "script", "get", "cli_pet_question", ...at()], env)).toMatchObject(script);
    expect((await cli.run(["sandbox", "script", "get", "no_such_script", ...at()], env)).code).toBe(5);
  });

  it("forces a card's next login and resets what the bank remembers of it", async () => {
    const loginId = await new FlinksCalls(base, SERVER_CUSTOMER).connect();
    const forced = await cli.json(["sandbox", "next-refresh", loginId, "--outcome", "failed", "--code", "RETRY_LATER", ...at()], env);
    expect(forced).toEqual({ loginId, nextRefresh: { outcome: "failed", code: "RETRY_LATER" } });
    const refresh = await new FlinksCalls(base, SERVER_CUSTOMER).post("Authorize", { LoginId: loginId, MostRecentCached: false });
    expect(refresh.body).toMatchObject({ FlinksCode: "RETRY_LATER" });
    expect((await cli.run(["sandbox", "card", "reset", loginId, ...at()], env)).code).toBe(0);
    expect((await cli.run(["sandbox", "card", "reset", "5e6a1b8c-6f1e-4c22-9d0a-0d1f6f4a2b11", ...at()], env)).code).toBe(5);
  });

  it("says no server answered (exit 6) and refuses a wrong secret key (exit 1)", async () => {
    const unreachable = await cli.run(["sandbox", "clock", "--url", `http://127.0.0.1:${await freePort()}`], env);
    expect(unreachable.code).toBe(6);
    const refused = await cli.run(["sandbox", "clock", ...at()], { ...env, BANKGATE_SECRET_KEY: "not-the-key-0123" });
    expect(refused.code).toBe(1);
    expect(refused.stderr).not.toContain("not-the-key-0123");
  });
});

// Last: after it the server, still on the old key alone, can no longer read what moved.
describe("bankgate master-key rotate", () => {
  const at = () => ["--data-dir", dataDir()];

  it("moves every secret to the new key with progress, then the old key alone no longer opens the store", async () => {
    const newKeys = `kr2:${Buffer.alloc(32, 21).toString("base64")},${SERVER_MASTER_KEYS}`;
    const left = await cli.json<{ remaining: number }>(["master-key", "rotate", "--check", ...at()], { BANKGATE_MASTER_KEYS: newKeys }, 1);
    expect(left.remaining).toBeGreaterThan(0);
    const run = await cli.run(["master-key", "rotate", "--json", ...at()], { BANKGATE_MASTER_KEYS: newKeys });
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ activeKeyId: "kr2", remaining: 0 });
    expect(run.stderr).toMatch(/logins\.credentials_enc: \d+ re-wrapped/);
    const onlyNew = { BANKGATE_MASTER_KEYS: `kr2:${Buffer.alloc(32, 21).toString("base64")}` };
    expect((await cli.json<{ remaining: number }>(["master-key", "rotate", "--check", ...at()], onlyNew)).remaining).toBe(0);
    const doctor = await cli.json<{ checks: Array<{ name: string; status: string }> }>(
      ["doctor", "--port", "0", "--widget-dir", ROOT, ...at()],
      serverEnv,
      1,
    );
    expect(doctor.checks.find((check) => check.name === "master key ↔ store")).toMatchObject({ status: "fail" });
  });
});

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { buildCli, type Cli } from "./cli-process.js";

/**
 * The store-side commands (migrate, customers, doctor) on a SQLite store of their own, with
 * no server running; and `--help` with exit 0 on every command.
 */
// Each test runs the CLI several times, a Node start each (about a second, several on a loaded machine).
vi.setConfig({ testTimeout: 120_000 });

let cli: Cli;
let work: string;
const dataDir = () => join(work, "data");

beforeAll(async () => {
  cli = await buildCli("cli-store");
  work = mkdtempSync(join(tmpdir(), "bankgate-cli-"));
}, 480_000);
afterAll(() => {
  cli?.remove();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe("bankgate --help", () => {
  it.each([
    ["start"],
    ["migrate"],
    ["customers", "create"],
    ["customers", "list"],
    ["customers", "show"],
    ["customers", "rotate-keys"],
    ["customers", "allow"],
    ["master-key", "rotate"],
    ["purge"],
    ["doctor"],
    ["sandbox", "clock"],
    ["sandbox", "advance"],
    ["sandbox", "freeze"],
    ["sandbox", "script", "put"],
    ["sandbox", "script", "get"],
    ["sandbox", "card", "reset"],
    ["sandbox", "next-refresh"],
  ])("bankgate %s … --help describes it and exits 0", async (...command) => {
    const { code, stdout } = await cli.run([...command, "--help"]);
    expect(code).toBe(0);
    expect(stdout).toContain(`Usage: bankgate ${command.join(" ")}`);
  });

  it("an unknown command or option is a usage error (2); a bad flag value a configuration error (3) naming its variable", async () => {
    expect((await cli.run(["frobnicate"])).code).toBe(2);
    expect((await cli.run(["migrate", "--no-such-flag"])).code).toBe(2);
    const bad = await cli.run(["migrate", "--store-wait-ms", "soon", "--data-dir", dataDir()]);
    expect(bad.code).toBe(3);
    expect(bad.stderr).toContain("BANKGATE_STORE_WAIT_MS");
  });
});

describe("bankgate migrate", () => {
  it("reports pending migrations with --check (exit 1), runs them, then reports none (exit 0)", async () => {
    const before = await cli.json<{ pending: string[] }>(["migrate", "--check", "--data-dir", dataDir()], {}, 1);
    expect(before.pending).toContain("001-initial");
    const ran = await cli.json<{ ran: string[]; pending: string[] }>(["migrate", "--data-dir", dataDir()]);
    expect(ran.ran).toEqual(before.pending);
    const after = await cli.json<{ applied: string[]; pending: string[] }>(["migrate", "--check", "--data-dir", dataDir()]);
    expect(after).toMatchObject({ pending: [], applied: before.pending });
    expect((await cli.json<{ ran: string[] }>(["migrate", "--data-dir", dataDir()])).ran).toEqual([]);
  });
});

describe("bankgate customers", () => {
  type View = { customerId: string; name: string; authMode: string; parentOrigins: string[]; redirectUrls: string[]; source: string };

  it("creates a customer with its keys shown once, lists, shows, re-keys and re-allows it", async () => {
    const at = ["--data-dir", dataDir()];
    const created = await cli.json<View & { secretKey: string; apiKey: string }>([
      "customers",
      "create",
      "--name",
      "Acme Lending",
      "--parent-origins",
      "https://app.acme.example",
      ...at,
    ]);
    expect(created).toMatchObject({
      name: "Acme Lending",
      authMode: "token",
      parentOrigins: ["https://app.acme.example"],
      redirectUrls: [],
      source: "store",
    });
    expect(created.secretKey).toMatch(/^[\w-]{32}$/);
    const listed = await cli.json<View[]>(["customers", "list", ...at]);
    expect(listed.map((c) => c.customerId)).toContain(created.customerId);
    const shown = await cli.json<View>(["customers", "show", created.customerId, ...at]);
    expect(JSON.stringify(shown)).not.toContain(created.secretKey);

    const rotated = await cli.json<{ secretKey?: string; apiKey?: string }>([
      "customers",
      "rotate-keys",
      created.customerId,
      "--only",
      "api",
      ...at,
    ]);
    expect(rotated.secretKey).toBeUndefined();
    expect(rotated.apiKey).not.toBe(created.apiKey);

    const allowed = await cli.json<View>([
      "customers",
      "allow",
      created.customerId,
      "--redirect-urls",
      "https://app.acme.example/done",
      "--parent-origins",
      "",
      "--auth-mode",
      "open",
      ...at,
    ]);
    expect(allowed).toMatchObject({ authMode: "open", parentOrigins: [], redirectUrls: ["https://app.acme.example/done"] });
  });

  it("refuses a bad origin (2) and an unknown customer (5) without changing anything", async () => {
    const at = ["--data-dir", dataDir()];
    const [first] = await cli.json<View[]>(["customers", "list", ...at]);
    const bad = await cli.run(["customers", "allow", first?.customerId ?? "", "--parent-origins", "https://app.acme.example/path", ...at]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("https://app.acme.example/path");
    // `list` also says when each was created.
    expect(await cli.json<View>(["customers", "show", first?.customerId ?? "", ...at])).toEqual({ ...first, createdAt: undefined });
    expect((await cli.run(["customers", "show", "0b7c1d2e-4f5a-4b6c-8d7e-000000000000", ...at])).code).toBe(5);
  });
});

describe("bankgate doctor", () => {
  type Report = { ok: boolean; checks: Array<{ name: string; status: string; detail: string; fix?: string }> };

  it("passes on a migrated store with a built widget and a free port, and fails naming the fix when the widget is missing", async () => {
    const widget = join(work, "widget");
    mkdirSync(widget);
    writeFileSync(join(widget, "index.html"), "<!doctype html>");
    const keys = `k1:${Buffer.alloc(32, 3).toString("base64")}`;
    const env = { BANKGATE_MASTER_KEYS: keys };
    const good = await cli.json<Report>(["doctor", "--data-dir", dataDir(), "--widget-dir", widget, "--port", "0"], env);
    expect(good.ok).toBe(true);
    expect(good.checks.map((check) => check.name)).toEqual(
      expect.arrayContaining(["configuration", "master keys", "store", "customers", "widget build", "port"]),
    );

    const missing = await cli.json<Report>(
      ["doctor", "--data-dir", dataDir(), "--widget-dir", join(work, "nowhere"), "--port", "0"],
      env,
      1,
    );
    expect(missing.checks.find((check) => check.name === "widget build")).toMatchObject({
      status: "fail",
      fix: expect.stringContaining("npm run build"),
    });
  });

  it("reports an invalid configuration as a failed check naming the variable", async () => {
    const report = await cli.json<Report>(["doctor", "--data-dir", dataDir()], { BANKGATE_JOB_CONCURRENCY: "many" }, 1);
    expect(report.checks[0]).toMatchObject({
      name: "configuration",
      status: "fail",
      detail: expect.stringContaining("BANKGATE_JOB_CONCURRENCY"),
    });
  });
});

import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../helpers/free-port.js";
import { ROOT, sleep } from "../helpers/server-build.js";

/**
 * README's quick start, run as written: `npm install && npm start` in a clone. CI runs
 * `npm install` on a fresh clone (its `prepare` builds the server, the bundle and the widget),
 * so this test runs the second half, `npm start`, exactly as the README says — only on a free
 * port and a temporary data directory instead of 3000 and ./data — and checks what the README
 * promises: the banner with a generated development customer, the demo page, and a first
 * login with the printed keys.
 */
const HOST = "127.0.0.1";
const BUNDLE = join(ROOT, "dist", "bundle", "main.js");

function quickStartCommand(): string {
  const readme = readFileSync(join(ROOT, "README.md"), "utf8");
  const section = readme.slice(readme.indexOf("## Quick start"));
  const block = /```sh\n([^`]+)```/.exec(section);
  return block?.[1]?.trim() ?? "";
}

describe("README quick start", () => {
  let child: ChildProcess | null = null;
  let stderr = "";
  let base = "";
  const dataDir = mkdtempSync(join(tmpdir(), "bankgate-quick-start-"));

  beforeAll(async () => {
    expect(quickStartCommand()).toBe("npm install && npm start");
    if (!existsSync(BUNDLE)) throw new Error("dist/bundle/main.js is missing: `npm install` (or `npm run build`) builds it");
    const port = await freePort(HOST);
    base = `http://${HOST}:${port}`;
    const inherited = Object.entries(process.env).filter(
      ([key]) => !key.startsWith("BANKGATE_") && !["DATABASE_URL", "NODE_ENV", "HOST", "LOG_LEVEL"].includes(key),
    );
    // Its own process group, so the whole tree (npm, the shell, node) is stopped at the end.
    child = spawn("npm", ["start"], {
      cwd: ROOT,
      env: { ...Object.fromEntries(inherited), PORT: String(port), BANKGATE_DATA_DIR: dataDir },
      stdio: ["ignore", "ignore", "pipe"],
      detached: true,
    });
    child.stderr?.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    for (let waited = 0; ; waited += 50) {
      if (child.exitCode !== null) throw new Error(`npm start exited (${child.exitCode}):\n${stderr}`);
      if (waited > 30_000) throw new Error(`npm start did not answer /health/ready within 30 s:\n${stderr}`);
      const ready = await fetch(`${base}/health/ready`).then(
        (r) => r.status,
        () => 0,
      );
      if (ready === 200) break;
      await sleep(50);
    }
    // The banner goes to stderr once the server listens; its bytes may reach this process
    // after /health/ready has answered.
    for (let waited = 0; !stderr.includes("bankgate is listening on") && waited <= 10_000; waited += 50) await sleep(50);
  }, 60_000);

  afterAll(async () => {
    if (child?.pid && child.exitCode === null) {
      const exited = new Promise((resolve) => child?.once("exit", resolve));
      process.kill(-child.pid, "SIGTERM");
      await exited;
    }
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("prints the URL and the generated development customer, whose keys log in to the sandbox bank", async () => {
    const customer = JSON.parse(readFileSync(join(dataDir, "dev-customer.json"), "utf8")) as {
      customerId: string;
      secretKey: string;
    };
    expect(stderr).toContain(`bankgate is listening on ${base}`);
    expect(stderr).toContain("Development deployment");
    expect(stderr).toContain(customer.customerId);
    expect(stderr).toContain(customer.secretKey);

    const api = `${base}/v3/${customer.customerId}/BankingServices`;
    const token = await fetch(`${api}/GenerateAuthorizeToken`, { method: "POST", headers: { "flinks-auth-key": customer.secretKey } });
    expect(token.status).toBe(200);
    const { Token } = (await token.json()) as { Token: string };
    const login = await fetch(`${api}/Authorize`, {
      method: "POST",
      headers: { "content-type": "application/json", "flinks-auth-key": Token },
      body: JSON.stringify({ Institution: "FlinksCapital", Username: "Greatday", Password: "Everyday", MostRecentCached: false }),
    });
    expect(login.status).toBe(203);
  });

  it("serves the demo page and the widget it embeds", async () => {
    const demo = await fetch(`${base}/demo`);
    expect(demo.status).toBe(200);
    expect(demo.headers.get("content-type")).toContain("text/html");
    const customerId = JSON.parse(readFileSync(join(dataDir, "dev-customer.json"), "utf8")).customerId;
    const widget = await fetch(`${base}/connect/${customerId}/?demo=true`);
    expect(widget.status).toBe(200);
    expect(await widget.text()).toContain("<script");
  });
});

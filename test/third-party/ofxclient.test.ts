import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Fastify, { type FastifyInstance } from "fastify";
import { afterAll, beforeAll, expect, it } from "vitest";
import { generateBankData } from "../../src/connectors/sandbox/generate-bank-data.js";
import { ManualClock } from "../../src/lib/clock.js";
import { ofxSimPlugin } from "../../src/sim/ofx/ofx-sim-plugin.js";
import { DEBIAN_PYTHON, describeWithDebianTools, OFXCLIENT, OPENSSL } from "./debian-tools.js";

interface Downloaded {
  accounts: Array<{
    kind: string;
    number: string;
    routing: string | null;
    accountType: string | null;
    balance: string;
    transactions: Array<{ fitid: string; amount: string; date: string }>;
  }>;
}

/**
 * python3-ofxclient, a client nobody here wrote, downloads accounts and statements from the
 * simulator over TLS, checked against a throwaway certificate made with openssl for this test.
 * ofxclient dates its requests by the machine's clock, so the simulator's clock starts now.
 */
describeWithDebianTools("python3-ofxclient against the simulator over TLS", [OFXCLIENT, OPENSSL], () => {
  let app: FastifyInstance;
  let dir = "";
  let base = "";
  const clock = new ManualClock(new Date());

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "ofx-tls-"));
    const made = spawnSync(
      "/usr/bin/openssl",
      [
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-days",
        "1",
        "-subj",
        "/CN=127.0.0.1",
        "-addext",
        "subjectAltName=IP:127.0.0.1",
        "-keyout",
        join(dir, "key.pem"),
        "-out",
        join(dir, "cert.pem"),
      ],
      { encoding: "utf8" },
    );
    if (made.status !== 0) throw new Error(`openssl: ${made.stderr}`);
    const https = { key: readFileSync(join(dir, "key.pem")), cert: readFileSync(join(dir, "cert.pem")) };
    app = Fastify({ https }) as unknown as FastifyInstance;
    await app.register(ofxSimPlugin, { prefix: "/sim/ofx", clock, seed: "ofxclient" });
    base = await app.listen({ host: "127.0.0.1", port: 0 });
  });
  afterAll(async () => {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Spawned, not spawnSync: the simulator runs in this process and must keep answering. */
  async function run(bank: string, org: string, fid: string, username: string, version: string, clientUid?: string): Promise<Downloaded> {
    const args = [
      join(import.meta.dirname, "download-with-ofxclient.py"),
      `${base}/sim/ofx/${bank}`,
      org,
      fid,
      username,
      "Everyday",
      version,
    ];
    if (clientUid) args.push(clientUid);
    // TZ=UTC: ofxclient dates its requests in local time, the simulator states days in UTC.
    const child = spawn(DEBIAN_PYTHON, args, {
      env: { ...process.env, SSL_CERT_FILE: join(dir, "cert.pem"), PYTHONWARNINGS: "ignore", TZ: "UTC" },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
    if (code !== 0) throw new Error(`ofxclient exited ${code}: ${stderr.slice(-2000)}`);
    return JSON.parse(stdout) as Downloaded;
  }

  function expectSimulatedData(downloaded: Downloaded, username: string): void {
    const held = generateBankData(username, clock.now(), { region: "US" });
    expect(downloaded.accounts.map((a) => [a.kind, a.number])).toEqual([
      ["BankAccount", held.accounts[0]?.accountNumber],
      ["BankAccount", held.accounts[1]?.accountNumber],
      ["CreditCardAccount", held.accounts[2]?.accountNumber],
      ["BankAccount", held.accounts[3]?.accountNumber],
    ]);
    expect(downloaded.accounts.map((a) => a.accountType)).toEqual(["CHECKING", "SAVINGS", null, "CREDITLINE"]);
    const chequing = downloaded.accounts[0];
    expect(Number(chequing?.balance)).toBe(held.accounts[0]?.balance.current);
    const sixtyDaysAgo = new Date(clock.now().getTime() - 60 * 86_400_000).toISOString().slice(0, 10);
    const expected = held.accounts[0]?.transactions.filter((t) => t.date >= sixtyDaysAgo) ?? [];
    expect(chequing?.transactions.map((t) => t.fitid).sort()).toEqual(expected.map((t) => t.key).sort());
  }

  it("OFX 1.0.3 with a CLIENTUID it is given: a bank that requires CLIENTUIDs serves it everything", async () => {
    expectSimulatedData(
      await run("ofxsim", "OFXSIM", "7001", "greatday_nomfa", "103", "8A5E7C1D-2B3F-4A6E-9C0D-1E2F3A4B5C6D"),
      "greatday_nomfa",
    );
  });

  it("OFX 1.0.2 without a CLIENTUID (ofxclient's default) against a 1.0.2-era bank", async () => {
    expectSimulatedData(await run("ofxsim-classic", "OFXSIMC", "7002", "greatday_nomfa+classic", "102"), "greatday_nomfa+classic");
  });

  it("a locked login: ofxclient raises with the bank's own message", async () => {
    await expect(run("ofxsim", "OFXSIM", "7001", "test_disabled_account", "103", "8A5E7C1D-2B3F-4A6E-9C0D-1E2F3A4B5C6D")).rejects.toThrow(
      /Too many failed signon attempts/,
    );
  });
});

import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, expect, it } from "vitest";
import { childrenOf, pathOf, textAt } from "../../src/connectors/ofx/codec/ofx-element.js";
import { parseOfx } from "../../src/connectors/ofx/codec/parse-ofx.js";
import { readAccountList } from "../../src/connectors/ofx/read-statements.js";
import { generateBankData } from "../../src/connectors/sandbox/generate-bank-data.js";
import { type OfxSimHarness, startOfxSimHarness } from "../connectors/ofx/ofx-sim-harness.js";
import { describeWithDebianTools, OFXCONNECT, OFXDUMP } from "./debian-tools.js";

const run = promisify(execFile);

/**
 * libofx's ofxconnect writes the requests a libofx-based client (GnuCash) sends; it cannot post
 * them itself, so the test does, over HTTP to the simulator's 1.0.2-era bank. ofxconnect dates
 * its requests by the machine's clock (date-only DTSTART), so the simulator's clock starts now.
 */
describeWithDebianTools("libofx's ofxconnect requests, answered by the simulator", [OFXCONNECT, OFXDUMP], () => {
  let sim: OfxSimHarness;
  let dir = "";
  beforeAll(async () => {
    sim = await startOfxSimHarness({ start: new Date() });
    dir = mkdtempSync(join(tmpdir(), "ofxconnect-"));
  });
  afterAll(async () => {
    await sim.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** ofxconnect prints "file NAME" and then the request it would have written to NAME. */
  async function request(...options: string[]): Promise<Buffer> {
    const common = ["--fid=7002", "--org=OFXSIMC", "--user=greatday_nomfa+libofx", "--pass=Everyday"];
    const { stdout } = await run("/usr/bin/ofxconnect", [...options, ...common, "request.ofx"], {
      encoding: "buffer",
      env: { ...process.env, TZ: "UTC" },
    });
    return stdout.subarray(stdout.indexOf("\n") + 1);
  }

  async function post(body: Buffer): Promise<Buffer> {
    const response = await fetch(`${sim.origin}/sim/ofx/ofxsim-classic`, {
      method: "POST",
      headers: { "content-type": "application/x-ofx" },
      body: new Uint8Array(body),
    });
    expect(response.status).toBe(200);
    return Buffer.from(await response.arrayBuffer());
  }

  it("an account list request: signed on, the four accounts", async () => {
    const body = await request("-a");
    expect(body.toString("latin1")).toMatch(/^OFXHEADER:100/);
    const answer = parseOfx(await post(body));
    expect(answer.version).toBe(102);
    expect(textAt(answer.root, "SIGNONMSGSRSV1/SONRS/STATUS/CODE")).toBe("0");
    expect(readAccountList(answer.root)?.accounts.map((a) => a.ref.kind)).toEqual(["bank", "bank", "card", "bank"]);
  });

  it("checking and card statement requests: the last 30 days of each, which ofxdump reads back", async () => {
    const held = generateBankData("greatday_nomfa+libofx", sim.clock.now(), { region: "US" });
    const [checking, , card] = held.accounts;
    if (!checking || !card) throw new Error("no accounts");
    const since = new Date(sim.clock.now().getTime() - 30 * 86_400_000).toISOString().slice(0, 10);
    for (const [account, options] of [
      [checking, ["-s", `--bank=${checking.transitNumber}`, `--acct=${checking.accountNumber}`, "--type=1", "--past=30"]],
      [card, ["-s", `--acct=${card.accountNumber}`, "--type=3", "--past=30"]],
    ] as const) {
      const bytes = await post(await request(...options));
      const root = parseOfx(bytes).root;
      const statement = pathOf(root, account === card ? "CREDITCARDMSGSRSV1/CCSTMTTRNRS/CCSTMTRS" : "BANKMSGSRSV1/STMTTRNRS/STMTRS");
      const fitIds = childrenOf(pathOf(statement, "BANKTRANLIST"), "STMTTRN").map((t) => textAt(t, "FITID"));
      expect(fitIds.sort()).toEqual(
        account.transactions
          .filter((t) => t.date >= since)
          .map((t) => t.key)
          .sort(),
      );
      const file = join(dir, "answer.ofx");
      writeFileSync(file, bytes);
      const dumped = await run("/usr/bin/ofxdump", [file], { encoding: "utf8" });
      expect(`${dumped.stdout}${dumped.stderr}`).not.toContain("LibOFX ERROR");
      expect((dumped.stdout.match(/ofx_proc_transaction\(\)/g) ?? []).length).toBe(fitIds.length);
    }
  });
});

import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { type OfxSimHarness, startOfxSimHarness } from "../connectors/ofx/ofx-sim-harness.js";
import { DEBIAN_PYTHON, describeWithDebianTools, OFXDUMP, OFXPARSE } from "./debian-tools.js";
import { type SimResponseFile, writeSimResponses } from "./sim-response-files.js";

/**
 * libofx validates against its own DTDs, those of OFX 1.6 and 2.0.1 as published before the 2006
 * signon extensions: the elements below are "undefined" to it (it reads on past them). They
 * appear only in answers to versions that have them; in 1.0.2 answers nothing may be reported.
 */
const NEWER_THAN_LIBOFX_DTDS =
  /element "(CLIENTUIDREQ|MFACHALLENGESUPT|MFACHALLENGEFIRST|AUTHTOKENFIRST|AUTHTOKENLABEL|USERCRED1LABEL|USERCRED2LABEL|ACCESSKEY|MFACHALLENGETRNRS|MFACHALLENGERS|MFACHALLENGE|MFAPHRASEID|MFAPHRASELABEL)" undefined/;
/** What libofx reports after such an element: the element's data and the close tag it then cannot match. */
const FOLLOW_ON = /incoming_data should be empty|Tried to close a \w+ but a DUMMY is currently open/;

/** ofxdump's ERROR lines, less those its DTDs' age explains (the line after an OpenSP error names the element). */
function unexpectedErrors(output: string, version: number): string[] {
  const lines = output.split("\n");
  const details = lines.flatMap((line, index) => (line.startsWith("LibOFX ERROR") ? [`${line} ${lines[index + 1] ?? ""}`] : []));
  if (version === 102) return details;
  const newerElements = details.some((detail) => NEWER_THAN_LIBOFX_DTDS.test(detail));
  return details.filter((detail) => !NEWER_THAN_LIBOFX_DTDS.test(detail) && !(newerElements && FOLLOW_ON.test(detail)));
}

/**
 * Parsers nobody here wrote read every kind of response the simulator gives, in SGML (1.0.2,
 * 1.6) and XML (2.1.1): libofx's ofxdump (which validates against the OFX DTDs) and
 * python3-ofxparse.
 */
describeWithDebianTools("the simulator's responses in third-party parsers", [OFXDUMP, OFXPARSE], () => {
  let sim: OfxSimHarness;
  let dir = "";
  const responses = new Map<number, SimResponseFile[]>();

  beforeAll(async () => {
    sim = await startOfxSimHarness();
    dir = mkdtempSync(join(tmpdir(), "ofx-sim-responses-"));
    for (const version of [102, 160, 211] as const) {
      responses.set(version, await writeSimResponses(`${sim.origin}/sim/ofx/ofxsim`, version, dir, sim.clock.now()));
    }
  });
  afterAll(async () => {
    await sim.close();
    if (!process.env.KEEP_OFX) rmSync(dir, { recursive: true, force: true });
  });

  it.each([102, 160, 211])(
    "ofxdump reads every OFX %i response: no error but those of its DTDs' age, every transaction and status",
    (version) => {
      for (const file of responses.get(version) ?? []) {
        const run = spawnSync("/usr/bin/ofxdump", [file.path], { encoding: "utf8" });
        const output = `${run.stdout}${run.stderr}`;
        expect(unexpectedErrors(output, version), file.name).toEqual([]);
        // ofxdump exits 1 after any DTD complaint, the explained ones too.
        expect(run.status, `${file.name}: ${output.slice(0, 2000)}`).toBe(NEWER_THAN_LIBOFX_DTDS.test(output) ? 1 : 0);
        expect(output, file.name).toMatch(/ofx_proc_status\(\)/);
        if (file.statement) {
          expect((output.match(/ofx_proc_transaction\(\)/g) ?? []).length, file.name).toBe(file.statement.transactions);
          expect(output, file.name).toContain(`Ledger balance: ${Number(file.statement.ledger).toFixed(2)}`);
        }
      }
    },
  );

  it.each([102, 160, 211])("python3-ofxparse parses every OFX %i response: signon codes, statements, balances", (version) => {
    const files = responses.get(version) ?? [];
    const run = spawnSync(DEBIAN_PYTHON, [join(import.meta.dirname, "parse-with-ofxparse.py"), ...files.map((f) => f.path)], {
      encoding: "utf8",
    });
    expect(run.status, run.stderr).toBe(0);
    const parsed = run.stdout
      .trim()
      .split("\n")
      .map(
        (line) =>
          JSON.parse(line) as {
            path: string;
            ok: boolean;
            error?: string;
            code: number;
            accounts: Array<{ transactions: number; balance: string; fitids: string[] }>;
          },
      );
    expect(parsed.filter((p) => !p.ok)).toEqual([]);
    const byName = new Map(files.map((f, i) => [f.name, parsed[i]]));
    // OFX 1.0.2 has no MFA: the simulator's 1.0.2 face lets the MFA user in.
    expect(byName.get("mfa-required")?.code).toBe(version === 102 ? 0 : 3000);
    expect(byName.get("mfa-wrong")?.code).toBe(version === 102 ? 0 : 3001);
    expect(byName.get("bad-login")?.code).toBe(15500);
    expect(byName.get("account-list")?.accounts).toHaveLength(4);
    for (const file of files.filter((f) => f.statement)) {
      const [account] = byName.get(file.name)?.accounts ?? [];
      expect(account?.transactions, file.name).toBe(file.statement?.transactions);
      expect(Number(account?.balance), file.name).toBe(Number(file.statement?.ledger));
      expect(new Set(account?.fitids).size, file.name).toBe(account?.transactions);
    }
  });
});

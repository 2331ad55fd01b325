import { readFileSync } from "node:fs";
import { expect, it } from "vitest";
import { SIGNON_FAILURE_CODES } from "../../../src/connectors/ofx/signon-status.js";
import { DEFAULT_OFX_SIM_INSTITUTIONS } from "../../../src/sim/ofx/sim-institutions.js";
import { SIM_USER_NAMES } from "../../../src/sim/ofx/sim-users.js";

const doc = readFileSync(new URL("../../../docs/connectors/ofx.md", import.meta.url), "utf8");
/** The simulator's users are listed with the other sandbox users. */
const sandboxDoc = readFileSync(new URL("../../../docs/sandbox.md", import.meta.url), "utf8");

it("docs/connectors/ofx.md maps every OFX status code the connector maps, to the same code", () => {
  for (const [status, code] of Object.entries(SIGNON_FAILURE_CODES)) {
    expect(doc, `status ${status}`).toMatch(new RegExp(`\\n\\| ${status} \\| [^|]+ \\| \`${code}\``));
  }
});

it("docs/connectors/ofx.md lists every simulator bank, docs/sandbox.md every simulator user", () => {
  for (const bank of DEFAULT_OFX_SIM_INSTITUTIONS) expect(doc).toContain(`| \`${bank.id}\` | ${bank.org} / ${bank.fid} |`);
  const greatday = (name: string) => (name === "greatday" ? "Greatday" : name);
  for (const name of SIM_USER_NAMES) expect(sandboxDoc, name).toContain(`| \`${greatday(name)}\` |`);
});

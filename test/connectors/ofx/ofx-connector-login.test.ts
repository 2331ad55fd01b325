import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Json, StepResult } from "../../../src/connectors/types.js";
import { MemoryCardVault, type OfxSimHarness, startOfxSimHarness } from "./ofx-sim-harness.js";

let sim: OfxSimHarness;
beforeAll(async () => {
  sim = await startOfxSimHarness();
});
afterAll(() => sim.close());

/** The state as bankgate stores it: JSON text, read back in another step. */
function roundTrip(result: StepResult): Json {
  if (result.kind === "failed") throw new Error(`failed: ${result.code}`);
  return JSON.parse(JSON.stringify(result.connectorState)) as Json;
}

describe.each([102, 160, 211] as const)("OFX connector against the simulator, OFX %i", (ofxVersion) => {
  it("greatday_nomfa: authorized at once, accounts and transactions", async () => {
    const connector = sim.connector("ofxsim", { ofxVersion });
    const vault = new MemoryCardVault();
    const started = await connector.start({ username: "greatday_nomfa", password: "Everyday", language: "en" }, sim.context(vault));
    expect(started.kind).toBe("authorized");
    const fetched = await connector.fetchData(roundTrip(started), sim.context(vault));
    if (fetched.kind !== "data") throw new Error(JSON.stringify(fetched));
    expect(fetched.data.accounts.map((a) => a.type)).toEqual(["Chequing", "Savings", "CreditCard", "LineOfCredit"]);
    const chequing = fetched.data.accounts[0];
    expect(chequing?.transactions.length).toBeGreaterThan(100);
    expect(chequing?.transactions[0]?.balance).toBe(chequing?.balance.current);
  });

  it("Greatday: one MFA question, answered from a JSON round-trip in a fresh context, then no MFA next time", async () => {
    const connector = sim.connector("ofxsim", { ofxVersion });
    const vault = new MemoryCardVault();
    const started = await connector.start({ username: "Greatday", password: "Everyday", language: "en" }, sim.context(vault));
    expect(started).toMatchObject({
      kind: "challenged",
      challenges: [{ type: "QuestionAndAnswer", prompt: "What city were you born in?" }],
    });
    const answered = await connector.answer({ "What city were you born in?": ["montreal"] }, roundTrip(started), sim.context(vault));
    expect(answered.kind).toBe("authorized");
    const again = await connector.start({ username: "Greatday", password: "Everyday", language: "en" }, sim.context(vault));
    expect(again.kind).toBe("authorized");
  });
});

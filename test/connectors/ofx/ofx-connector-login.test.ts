import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Credentials, InstitutionConnector, Json, StepResult } from "../../../src/connectors/types.js";
import { MemoryCardVault, type OfxSimHarness, startOfxSimHarness } from "./ofx-sim-harness.js";

let sim: OfxSimHarness;
beforeAll(async () => {
  sim = await startOfxSimHarness({ slowSeconds: 30 });
});
afterAll(() => sim.close());

/** The state as bankgate stores it: JSON text, read back by a later step in a fresh context. */
function stateOf(result: StepResult): Json {
  if (result.kind === "failed") throw new Error(`failed: ${result.code}`);
  return JSON.parse(JSON.stringify(result.connectorState)) as Json;
}

const login = (username: string, password = "Everyday", language: "en" | "fr" = "en"): Credentials => ({ username, password, language });

/** One login as bankgate runs it: each step with a fresh context and the state from JSON; the card's vault persists. */
async function answerWith(connector: InstitutionConnector, started: StepResult, answers: Record<string, string>, vault: MemoryCardVault) {
  const given = Object.fromEntries(Object.entries(answers).map(([prompt, value]) => [prompt, [value]]));
  return connector.answer(given, stateOf(started), sim.context(vault));
}

describe.each([
  ["SGML", 160],
  ["XML", 211],
] as const)("OFX login scenarios over %s", (_syntax, ofxVersion) => {
  const bank = () => sim.connector("ofxsim", { ofxVersion });

  it("greatday_nomfa: authorized at once", async () => {
    expect((await bank().start(login("greatday_nomfa"), sim.context(new MemoryCardVault()))).kind).toBe("authorized");
  });

  it("Greatday: one MFA question (MFA107 answered by the connector), then the ACCESSKEY spares the next login", async () => {
    const vault = new MemoryCardVault();
    const started = await bank().start(login("Greatday"), sim.context(vault));
    expect(started).toMatchObject({
      kind: "challenged",
      challenges: [{ type: "QuestionAndAnswer", prompt: "What city were you born in?" }],
    });
    expect(started.kind === "challenged" && started.challenges).toHaveLength(1);
    const answered = await answerWith(bank(), started, { "What city were you born in?": " montréal " }, vault);
    expect(answered.kind).toBe("authorized");
    expect(vault.value).toMatchObject({ accessKey: expect.any(String), clientUid: expect.any(String) });
    expect((await bank().start(login("Greatday"), sim.context(vault))).kind).toBe("authorized");
  });

  it("Greatday in French: the standard phrase in French", async () => {
    const started = await bank().start(login("Greatday", "Everyday", "fr"), sim.context(new MemoryCardVault()));
    expect(started).toMatchObject({ challenges: [{ prompt: "Dans quelle ville êtes-vous né?" }] });
  });

  it("mfa_multiple: one round of several phrases, a bank label among them", async () => {
    const vault = new MemoryCardVault();
    const started = await bank().start(login("mfa_multiple"), sim.context(vault));
    expect(started.kind === "challenged" && started.challenges.map((c) => c.prompt)).toEqual([
      "What city were you born in?",
      "With which branch is your account associated?",
    ]);
    const answers = { "What city were you born in?": "Montreal", "With which branch is your account associated?": "anytown" };
    expect((await answerWith(bank(), started, answers, vault)).kind).toBe("authorized");
  });

  it("mfa_rounds_2: two rounds, each answered from the JSON state of the one before", async () => {
    const vault = new MemoryCardVault();
    const first = await bank().start(login("mfa_rounds_2"), sim.context(vault));
    const second = await answerWith(bank(), first, { "What city were you born in?": "Montreal" }, vault);
    expect(second).toMatchObject({ kind: "challenged", challenges: [{ prompt: "What is your favorite color?" }] });
    expect((await answerWith(bank(), second, { "What is your favorite color?": "blue" }, vault)).kind).toBe("authorized");
  });

  it("a wrong answer is INVALID_SECURITY_RESPONSE (3001) and the same challenge can be answered again", async () => {
    const vault = new MemoryCardVault();
    const started = await bank().start(login("Greatday"), sim.context(vault));
    expect(await answerWith(bank(), started, { "What city were you born in?": "Paris" }, vault)).toEqual({
      kind: "failed",
      code: "INVALID_SECURITY_RESPONSE",
    });
    expect((await answerWith(bank(), started, { "What city were you born in?": "Montreal" }, vault)).kind).toBe("authorized");
  });

  it("approve_app: 15510 is a TextOnly challenge; continuing keeps the CLIENTUID the bank now knows", async () => {
    const vault = new MemoryCardVault();
    const started = await bank().start(login("approve_app"), sim.context(vault));
    expect(started).toMatchObject({ kind: "challenged", challenges: [{ type: "TextOnly", prompt: expect.stringContaining("approve") }] });
    const prompt = started.kind === "challenged" ? (started.challenges[0]?.prompt ?? "") : "";
    expect((await answerWith(bank(), started, { [prompt]: "done" }, vault)).kind).toBe("authorized");
    // Another card is another CLIENTUID: the bank asks again.
    expect((await bank().start(login("approve_app"), sim.context(new MemoryCardVault()))).kind).toBe("challenged");
  });

  it.each([
    ["test_disabled_account", "Everyday", "DISABLED_LOGIN"],
    ["greatday_nomfa", "wrong", "INVALID_PASSWORD"],
    ["nobody_here", "Everyday", "INVALID_PASSWORD"],
    ["password_expired", "Everyday", "PASSWORD_CHANGE_REQUIRED"],
    ["html_error", "Everyday", "RETRY_LATER"],
    ["server_error", "Everyday", "RETRY_LATER"],
    ["test_service_unavailable", "Everyday", "RETRY_LATER"],
    ["account_in_use", "Everyday", "RETRY_LATER"],
    ["call_the_bank", "Everyday", "NEW_ACCOUNT"],
  ])("%s with password %s: %s", async (username, password, code) => {
    expect(await bank().start(login(username, password), sim.context(new MemoryCardVault()))).toEqual({ kind: "failed", code });
  });

  it("test_slow: the answer comes when the simulator's clock has moved", async () => {
    const waiters = sim.clock;
    const started = bank().start(login("test_slow"), sim.context(new MemoryCardVault()));
    await waiters.whenSleeping(1);
    waiters.advanceSeconds(30);
    expect((await started).kind).toBe("authorized");
  });
});

describe("OFX login against other banks", () => {
  it("test_hanging: the request times out and the login is RETRY_LATER", async () => {
    const connector = sim.connector("ofxsim", { timeoutSeconds: 1 });
    expect(await connector.start(login("test_hanging"), sim.context(new MemoryCardVault()))).toEqual({
      kind: "failed",
      code: "RETRY_LATER",
    });
  });

  it("a 1.0.2 bank without MFA or CLIENTUID: Greatday signs on at once", async () => {
    const connector = sim.connector("ofxsim-classic", { ofxVersion: 102 });
    expect((await connector.start(login("Greatday"), sim.context(new MemoryCardVault()))).kind).toBe("authorized");
  });

  it("USERCRED1 and AUTHTOKEN are asked once with the bank's labels; later logins need neither", async () => {
    const connector = sim.connector("ofxsim-extra", { ofxVersion: 211 });
    const vault = new MemoryCardVault();
    const started = await connector.start(login("greatday_nomfa"), sim.context(vault));
    expect(started).toMatchObject({
      kind: "challenged",
      challenges: [
        { type: "QuestionAndAnswer", prompt: "Member number" },
        { type: "QuestionAndAnswer", prompt: "One-time code from your security token" },
      ],
    });
    const wrong = await answerWith(
      connector,
      started,
      { "Member number": "246810", "One-time code from your security token": "000000" },
      vault,
    );
    expect(wrong).toEqual({ kind: "failed", code: "INVALID_SECURITY_RESPONSE" });
    const right = await answerWith(
      connector,
      started,
      { "Member number": "246810", "One-time code from your security token": "135790" },
      vault,
    );
    expect(right.kind).toBe("authorized");
    expect(vault.value).toMatchObject({ userCred1: "246810", accessKey: expect.any(String) });
    expect((await connector.start(login("greatday_nomfa"), sim.context(vault))).kind).toBe("authorized");
  });

  it("a refused member number is not kept: the next login asks for it again", async () => {
    const connector = sim.connector("ofxsim-extra", { ofxVersion: 211 });
    const vault = new MemoryCardVault();
    const started = await connector.start(login("greatday_nomfa"), sim.context(vault));
    const refused = await answerWith(
      connector,
      started,
      { "Member number": "111111", "One-time code from your security token": "135790" },
      vault,
    );
    expect(refused).toEqual({ kind: "failed", code: "INVALID_PASSWORD" });
    expect(vault.value).not.toHaveProperty("userCred1");
    expect(await connector.start(login("greatday_nomfa"), sim.context(vault))).toMatchObject({
      challenges: [{ prompt: "Member number" }, expect.anything()],
    });
  });

  it("a directory URL the address policy refuses is DISABLED_INSTITUTION, without a request", async () => {
    const connector = sim.connector("ofxsim", { url: "http://10.1.2.3/ofx" });
    expect(await connector.start(login("greatday_nomfa"), sim.context(new MemoryCardVault()))).toEqual({
      kind: "failed",
      code: "DISABLED_INSTITUTION",
    });
  });

  it("states this connector did not write are refused, not thrown on", async () => {
    const connector = sim.connector("ofxsim");
    const context = sim.context(new MemoryCardVault());
    expect(await connector.answer({}, { nope: true }, context)).toEqual({ kind: "failed", code: "INVALID_SECURITY_RESPONSE" });
    expect(await connector.fetchData("garbage", context)).toEqual({ kind: "failed", code: "UNAUTHORIZED" });
    const started = await connector.start(login("Greatday"), sim.context(new MemoryCardVault()));
    const tampered = { ...(stateOf(started) as Record<string, Json>), pending: { kind: "mfa", phrases: "nope" } };
    expect(await connector.answer({}, tampered, context)).toEqual({ kind: "failed", code: "INVALID_SECURITY_RESPONSE" });
  });
});

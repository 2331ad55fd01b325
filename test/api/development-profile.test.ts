import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config/config.js";
import { developmentProfile } from "../../src/config/development-profile.js";
import { ConnectorRegistry } from "../../src/connectors/registry.js";
import { createDeps } from "../../src/deps.js";
import { createTestApp, flinksCapital, SANDBOX_ANSWERS, type TestApp } from "../helpers/test-app.js";

/**
 * The development conveniences (demo tokens, open auth for legacy clients, the sandbox
 * control plane, generated keys): on by default only in a development deployment, each
 * switchable by name, and never a way to a real institution's card.
 */
const NO_MFA = { Institution: "FlinksCapital", Username: "greatday_nomfa", Password: "Everyday", MostRecentCached: false, Save: true };

/** A second copy of FlinksCapital that is not a sandbox institution: what a real connector looks like to the gates. */
function withRealBank(): ConnectorRegistry {
  return new ConnectorRegistry([
    flinksCapital(),
    { ...flinksCapital(), id: "RealBank", name: "A real bank", institutionId: 9999, sandbox: false },
  ]);
}

let t: TestApp | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

describe("the development profile", () => {
  it.each([
    [{}, []],
    [{ NODE_ENV: "production" }, ["NODE_ENV=production"]],
    [{ HOST: "0.0.0.0" }, ["HOST=0.0.0.0 is not a loopback address"]],
    [{ HOST: "::1" }, []],
    [{ HOST: "localhost" }, []],
    [{ BANKGATE_SIMPLEFIN: "on" }, ["the real SimpleFIN institution is configured (BANKGATE_SIMPLEFIN=on)"]],
    [{ BANKGATE_INSTITUTIONS_FILE: "/etc/bankgate/banks.json" }, ["real institutions are configured (BANKGATE_INSTITUTIONS_FILE)"]],
  ])("%j: not development because %j; every convenience follows", (env, reasons) => {
    const profile = developmentProfile(loadConfig(env), env);
    const development = reasons.length === 0;
    expect(profile).toEqual({
      notDevelopmentBecause: reasons,
      sandboxControl: development,
      demo: development,
      openAuth: development,
      generateKeys: development,
      simulators: development,
    });
  });

  it("switches each convenience on or off by name, whatever the deployment", () => {
    const env = {
      HOST: "0.0.0.0",
      BANKGATE_DEMO: "on",
      BANKGATE_SANDBOX_CONTROL: "on",
      BANKGATE_AUTH_MODE: "open",
      BANKGATE_GENERATE_KEYS: "on",
    };
    expect(developmentProfile(loadConfig(env), env)).toMatchObject({
      sandboxControl: true,
      demo: true,
      openAuth: true,
      generateKeys: true,
    });
    const off = { BANKGATE_DEMO: "off", BANKGATE_SANDBOX_CONTROL: "off", BANKGATE_AUTH_MODE: "token", BANKGATE_GENERATE_KEYS: "off" };
    expect(developmentProfile(loadConfig(off), off)).toMatchObject({
      sandboxControl: false,
      demo: false,
      openAuth: false,
      generateKeys: false,
    });
  });

  it("keeps the simulators to one process: off by default with several workers, refused by name", () => {
    const workers = { BANKGATE_WORKERS: "2" };
    expect(developmentProfile(loadConfig(workers), workers)).toMatchObject({ simulators: false, sandboxControl: true, demo: true });
    expect(() => loadConfig({ ...workers, BANKGATE_SIMULATORS: "on" })).toThrow(
      "BANKGATE_SIMULATORS=on needs BANKGATE_WORKERS=1: the OFX simulator remembers signons in its one process",
    );
  });

  it("does not start without a master key outside development unless generated keys are switched on", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "bankgate-profile-"));
    try {
      const env = { HOST: "0.0.0.0", BANKGATE_DATA_DIR: dataDir };
      await expect(createDeps(loadConfig(env), { env })).rejects.toThrow(/BANKGATE_MASTER_KEYS is required/);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe("a development deployment (the defaults)", () => {
  it("serves legacy clients that send no credentials, and still refuses a wrong key or token that is sent", async () => {
    t = await createTestApp({ env: { BANKGATE_AUTH_MODE: "auto" } });
    const first = await t.post("Authorize", { ...NO_MFA, Username: "Greatday" });
    expect(first.statusCode).toBe(203);
    const { RequestId, SecurityChallenges } = first.json();
    const prompt = SecurityChallenges[0].Prompt as string;
    const answered = await t.post("Authorize", { RequestId, SecurityResponses: { [prompt]: [SANDBOX_ANSWERS[prompt]] } });
    expect(answered.statusCode).toBe(200);
    expect((await t.post("GetAccountsDetail", { RequestId })).statusCode).toBe(200);

    expect((await t.post("GetAccountsDetail", { RequestId }, { "x-api-key": "not the key" })).json().FlinksCode).toBe("ACCESS_DENIED");
    expect((await t.post("GetAccountsDetail", { RequestId }, { "flinks-auth-key": "not-a-token" })).json().FlinksCode).toBe(
      "ACCESS_DENIED",
    );
  });

  it("hands the demo page sandbox-scope tokens that reach sandbox institutions only", async () => {
    t = await createTestApp({ connectors: withRealBank() });
    const demoToken = async () => (await t?.app.inject({ method: "POST", url: "/demo/api/token" }))?.json().token as string;
    const token = await demoToken();
    expect(token).toMatch(/^sandbox-/);
    expect((await t.post("Authorize", NO_MFA, { "flinks-auth-key": token })).statusCode).toBe(200);
    const real = await t.post("Authorize", { ...NO_MFA, Institution: "RealBank" }, { "flinks-auth-key": await demoToken() });
    expect({ status: real.statusCode, code: real.json().FlinksCode }).toEqual({ status: 401, code: "ACCESS_DENIED" });
  });
});

describe("not a development deployment", () => {
  it.each([[{ HOST: "0.0.0.0" }], [{ NODE_ENV: "production" }], [{ BANKGATE_SIMPLEFIN: "on" }]])(
    "%j: no demo token, no control plane, no call without credentials",
    async (env) => {
      t = await createTestApp({ env: { ...env, BANKGATE_AUTH_MODE: "auto" } });
      expect((await t.app.inject({ method: "POST", url: "/demo/api/token" })).statusCode).toBe(404);
      const clock = await t.app.inject({
        method: "GET",
        url: `/sandbox/v1/${t.customer.customerId}/clock`,
        headers: { "flinks-auth-key": t.customer.secretKey },
      });
      expect(clock.statusCode).toBe(404);
      const anonymous = await t.post("Authorize", NO_MFA);
      expect({ status: anonymous.statusCode, code: anonymous.json().FlinksCode }).toEqual({ status: 401, code: "ACCESS_DENIED" });
      expect((await t.authorize(NO_MFA)).statusCode).toBe(200);
    },
  );
});

describe("a real institution's card, whatever conveniences are on", () => {
  it("is never served to a caller who showed none of the customer's credentials", async () => {
    t = await createTestApp({ connectors: withRealBank(), env: { BANKGATE_AUTH_MODE: "open" } });
    const denied = (response: { statusCode: number; json(): { FlinksCode: string } }) => ({
      status: response.statusCode,
      code: response.json().FlinksCode,
    });
    const refused = { status: 401, code: "ACCESS_DENIED" };

    expect(denied(await t.post("Authorize", { ...NO_MFA, Institution: "RealBank" }))).toEqual(refused);

    const card = await t.post("Authorize", { ...NO_MFA, Institution: "RealBank" }, t.apiKeyHeaders());
    expect(card.statusCode).toBe(200);
    const { RequestId, Login } = card.json();
    expect((await t.post("GetAccountsDetail", { RequestId }, t.apiKeyHeaders())).statusCode).toBe(200);

    expect(denied(await t.post("GetAccountsDetail", { RequestId }))).toEqual(refused);
    expect(denied(await t.post("GetAccountsSummary", { RequestId }))).toEqual(refused);
    expect(denied(await t.post("GetStatements", { RequestId }))).toEqual(refused);
    expect(denied(await t.post("Authorize", { RequestId }))).toEqual(refused);
    expect(denied(await t.post("Authorize", { LoginId: Login.Id, MostRecentCached: true }))).toEqual(refused);
    expect(denied(await t.post("Authorize", { LoginId: Login.Id, MostRecentCached: false }))).toEqual(refused);
    const async = await t.app.inject({ method: "GET", url: t.path(`GetAccountsDetailAsync/${RequestId}`) });
    expect(denied(async)).toEqual(refused);
    expect(denied(await t.app.inject({ method: "GET", url: t.path(`GetMFAQuestions/${Login.Id}`) }))).toEqual(refused);
    const schedule = await t.app.inject({
      method: "PATCH",
      url: t.path("SetScheduledRefresh"),
      payload: { LoginId: Login.Id, IsActivated: true },
    });
    expect(denied(schedule)).toEqual(refused);
    const multiple = await t.post("AuthorizeMultiple", { LoginIds: [Login.Id] });
    expect(multiple.json()).toMatchObject({ ValidLoginIds: [], InvalidLoginIds: [{ LoginId: Login.Id }] });
    expect(denied(await t.app.inject({ method: "DELETE", url: t.path(`DeleteCard/${Login.Id}`) }))).toEqual(refused);

    // The card is still there for its customer.
    expect((await t.post("Authorize", { LoginId: Login.Id, MostRecentCached: true }, t.apiKeyHeaders())).statusCode).toBe(200);
  });
});

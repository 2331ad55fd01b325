import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningBankgate, startBankgate } from "../../src/testing/index.js";

/**
 * startBankgate (issue 15 item 3): a real server in this process, driven over real HTTP —
 * its keys work, its clock and scripts and cards are the control plane's, its webhook
 * receiver checks signatures, and stop() leaves nothing listening.
 */
let bankgate: RunningBankgate;

beforeAll(async () => {
  bankgate = await startBankgate();
});
afterAll(() => bankgate?.stop());

const post = async (operation: string, body: unknown, headers: Record<string, string>) => {
  const response = await fetch(`${bankgate.apiUrl}/${operation}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });
  // biome-ignore lint/suspicious/noExplicitAny: Flinks JSON bodies, checked field by field
  return { status: response.status, body: (await response.json()) as Record<string, any> };
};

async function connect(username: string): Promise<{ loginId: string; requestId: string }> {
  const token = (await post("GenerateAuthorizeToken", {}, { "flinks-auth-key": bankgate.secretKey })).body.Token as string;
  const login = { Institution: "FlinksCapital", Username: username, Password: "Everyday", MostRecentCached: false, Save: true };
  const challenge = await post("Authorize", login, { "flinks-auth-key": token });
  expect(challenge.status).toBe(203);
  const prompt = challenge.body.SecurityChallenges[0].Prompt as string;
  const answers: Record<string, string> = {
    "What city were you born in?": "Montreal",
    "What is the best country on earth?": "Canada",
    "What shape do people like most?": "Triangle",
  };
  const answered = await post(
    "Authorize",
    { RequestId: challenge.body.RequestId, SecurityResponses: { [prompt]: [answers[prompt]] } },
    { "flinks-auth-key": token },
  );
  expect(answered.status).toBe(200);
  return { loginId: answered.body.Login.Id as string, requestId: challenge.body.RequestId as string };
}

describe("startBankgate", () => {
  it("listens on 127.0.0.1 with its own customer, and its webhook receiver gets the signed events of a login", async () => {
    expect(bankgate.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const { loginId, requestId } = await connect("Greatday");
    const event = await bankgate.webhooks.waitFor(
      (e) => e.type === "GetAccountsDetail" && (e.body.Login as { Id?: string })?.Id === loginId,
    );
    expect(event.headers["flinks-authenticity-key"]).toBeTruthy();
    expect(bankgate.webhooks.rejected).toBe(0);
    // The webhook came after the aggregation: the data is there.
    const data = await post("GetAccountsDetail", { RequestId: requestId }, { "x-api-key": bankgate.apiKey });
    expect(data.status).toBe(200);
  });

  it("moves the virtual clock: a RequestId left idle past its TTL expires", async () => {
    const token = (await post("GenerateAuthorizeToken", {}, { "flinks-auth-key": bankgate.secretKey })).body.Token as string;
    const challenge = await post(
      "Authorize",
      { Institution: "FlinksCapital", Username: "Greatday", Password: "Everyday", MostRecentCached: false },
      { "flinks-auth-key": token },
    );
    const before = bankgate.clock.now().getTime();
    bankgate.clock.advance(9 * 60);
    expect(bankgate.clock.now().getTime() - before).toBeGreaterThanOrEqual(9 * 60 * 1000);
    const late = await post(
      "Authorize",
      { RequestId: challenge.body.RequestId, SecurityResponses: { x: ["y"] } },
      { "flinks-auth-key": token },
    );
    expect(late.body.FlinksCode).toBe("SESSION_EXPIRED");
  });

  it("registers scripts and forces a card's next refresh through the control plane, refusing bad input", async () => {
    await bankgate.scripts.put({ name: "harness_quick", steps: [] });
    expect(await bankgate.scripts.get("harness_quick")).toMatchObject({ name: "harness_quick" });
    await expect(bankgate.scripts.put({ name: "Not A Name" })).rejects.toThrow(/400/);
    const { loginId } = await connect("Greatday+forced");
    await bankgate.cards.forceNextRefresh(loginId, { outcome: "failed", code: "DISABLED_LOGIN" });
    const refresh = await post("Authorize", { LoginId: loginId, MostRecentCached: false }, { "x-api-key": bankgate.apiKey });
    expect(refresh.body.FlinksCode).toBe("DISABLED_LOGIN");
    await bankgate.cards.reset(loginId);
  });

  it("stop() closes the server and removes its store; two servers run side by side", async () => {
    const other = await startBankgate({ env: { BANKGATE_SESSION_IDLE_TTL_SECONDS: "60" } });
    expect(other.url).not.toBe(bankgate.url);
    expect(other.customerId).not.toBe(bankgate.customerId);
    await other.stop();
    await expect(fetch(`${other.url}/health`)).rejects.toThrow();
  });

  it("refuses a webhook whose signature does not match, and keeps no such event", async () => {
    const count = bankgate.webhooks.events.length;
    const forged = await fetch(bankgate.webhooks.url, {
      method: "POST",
      body: '{"ResponseType":"KYC"}',
      headers: { "flinks-authenticity-key": "Zm9yZ2Vk" },
    });
    expect(forged.status).toBe(401);
    expect(bankgate.webhooks.rejected).toBe(1);
    expect(bankgate.webhooks.events.length).toBe(count);
  });
});

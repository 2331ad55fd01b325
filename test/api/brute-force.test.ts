import { afterEach, describe, expect, it } from "vitest";
import { ConnectorRegistry } from "../../src/connectors/registry.js";
import { createTestApp, flinksCapital, type TestApp } from "../helpers/test-app.js";

const PROMPT = "What city were you born in?";

/** The sandbox bank, counting every call that reaches it. */
function countingBank() {
  const bank = flinksCapital();
  const calls = { start: 0, answer: 0 };
  const counted = {
    ...bank,
    start: (...args: Parameters<typeof bank.start>) => {
      calls.start++;
      return bank.start(...args);
    },
    answer: (...args: Parameters<typeof bank.answer>) => {
      calls.answer++;
      return bank.answer(...args);
    },
  };
  return { registry: new ConnectorRegistry([counted]), calls };
}

describe("brute-force limits (quality bar S1, docs/quality-bars.md)", () => {
  let t: TestApp;
  afterEach(() => t.close());

  it("locks a card after 5 wrong MFA answers across its sessions, for 30 minutes (the doubling is in the limiter unit tests)", async () => {
    t = await createTestApp({ randomInt: () => 0 });
    const card = await t.connect("Greatday+locked");
    const refresh = async () => (await t.post("Authorize", { LoginId: card.Login.Id, MostRecentCached: false }, t.apiKeyHeaders())).json();
    const answer = (RequestId: string, value: string) =>
      t.post("Authorize", { RequestId, SecurityResponses: { [PROMPT]: [value] } }, t.apiKeyHeaders());

    const first = await refresh();
    for (let i = 0; i < 3; i++) await answer(first.RequestId, "Paris");
    const second = await refresh();
    expect((await answer(second.RequestId, "Paris")).json().FlinksCode).toBe("INVALID_SECURITY_RESPONSE");
    expect((await answer(second.RequestId, "Paris")).json().FlinksCode).toBe("INVALID_SECURITY_RESPONSE"); // the 5th
    const locked = await answer(second.RequestId, "Montreal");
    expect(locked.statusCode).toBe(401);
    expect(locked.json()).toMatchObject({ FlinksCode: "TOO_MANY_REQUESTS", RequestId: second.RequestId });

    t.clock.advanceSeconds(1_799);
    expect((await answer((await refresh()).RequestId, "Montreal")).json().FlinksCode).toBe("TOO_MANY_REQUESTS");
    t.clock.advanceSeconds(1);
    const healed = await refresh();
    expect((await answer(healed.RequestId, "Montreal")).statusCode).toBe(200);
  });

  it("locks an institution + username after 5 wrong passwords, whatever the password afterwards", async () => {
    const { registry, calls } = countingBank();
    t = await createTestApp({ randomInt: () => 0, connectors: registry });
    const login = (Password: string) =>
      t.post("Authorize", { Institution: "FlinksCapital", Username: "Greatday+pw", Password, MostRecentCached: false }, t.apiKeyHeaders());
    for (let i = 0; i < 5; i++) expect((await login(`wrong-${i}`)).json().FlinksCode).toBe("INVALID_PASSWORD");
    expect((await login("Everyday")).json().FlinksCode).toBe("TOO_MANY_REQUESTS");
    expect(calls.start).toBe(5);
    t.clock.advanceSeconds(1_800);
    expect((await login("Everyday")).statusCode).toBe(203);
  });

  it("lets no more than the limit reach the bank from 50 parallel sessions", async () => {
    const { registry, calls } = countingBank();
    t = await createTestApp({ randomInt: () => 0, connectors: registry });
    const attempts = Array.from({ length: 50 }, (_, i) =>
      t
        .post(
          "Authorize",
          { Institution: "FlinksCapital", Username: "Greatday+parallel", Password: `guess-${i}`, MostRecentCached: false },
          t.apiKeyHeaders(),
        )
        .then((r) => r.json().FlinksCode as string),
    );
    const codes = await Promise.all(attempts);
    expect(calls.start).toBeLessThanOrEqual(5);
    expect(codes.filter((c) => c === "INVALID_PASSWORD")).toHaveLength(calls.start);
    expect(codes.filter((c) => c === "TOO_MANY_REQUESTS")).toHaveLength(50 - calls.start);
  });
});

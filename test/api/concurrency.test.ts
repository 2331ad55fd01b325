import { afterEach, describe, expect, it } from "vitest";
import { createGatedBank } from "../helpers/gated-bank.js";
import { createTestApp, type TestApp } from "../helpers/test-app.js";

const ANSWER = { "What city were you born in?": ["Montreal"] };

describe("one live session per card (quality bar R3, docs/quality-bars.md)", () => {
  let t: TestApp;
  afterEach(() => t.close());

  const refresh = (loginId: string) => t.post("Authorize", { LoginId: loginId, MostRecentCached: false }, t.apiKeyHeaders());

  it("a second live session takes over one that waits at MFA; cached sessions are never refused", async () => {
    t = await createTestApp({ randomInt: () => 0 });
    const card = await t.connect("Greatday+single");
    const first = await refresh(card.Login.Id);
    expect(first.statusCode).toBe(203);
    const second = await refresh(card.Login.Id);
    expect(second.statusCode).toBe(203);
    const replaced = await t.post("Authorize", { RequestId: first.json().RequestId, SecurityResponses: ANSWER }, t.apiKeyHeaders());
    expect(replaced.json()).toMatchObject({ FlinksCode: "SESSION_REPLACED", RequestId: first.json().RequestId });
    // Live credentials for the same card are the same card: they take it over in turn.
    const viaCredentials = await t.post(
      "Authorize",
      { Institution: "FlinksCapital", Username: "Greatday+single", Password: "Everyday", MostRecentCached: false },
      t.apiKeyHeaders(),
    );
    expect(viaCredentials.statusCode).toBe(203);
    // Cached sessions never contact the bank: always allowed.
    expect((await t.authorize({ LoginId: card.Login.Id, MostRecentCached: true })).statusCode).toBe(200);
    expect(
      (await t.post("Authorize", { RequestId: viaCredentials.json().RequestId, SecurityResponses: ANSWER }, t.apiKeyHeaders())).statusCode,
    ).toBe(200);
  });

  it("frees the card when the live session expires", async () => {
    t = await createTestApp({ randomInt: () => 0 });
    const card = await t.connect("Greatday+abandoned");
    expect((await refresh(card.Login.Id)).statusCode).toBe(203);
    t.clock.advanceSeconds(t.config.sessions.idleTtlSeconds);
    expect((await refresh(card.Login.Id)).statusCode).toBe(203);
  });

  it("of two live sessions started at once, exactly one reaches the bank; the other gets 409", async () => {
    const bank = createGatedBank();
    t = await createTestApp({ randomInt: () => 0, connectors: bank.registry });
    const card = await t.connect("Greatday+race");
    const logins = bank.calls.start;
    const atBank = bank.hold("start");
    const both = [refresh(card.Login.Id).then((r) => r), refresh(card.Login.Id).then((r) => r)];
    const loser = await Promise.race(both);
    expect(loser.json()).toMatchObject({ HttpStatusCode: 409, FlinksCode: "CONCURRENT_SESSION" });
    atBank.release();
    expect((await Promise.all(both)).map((r) => r.statusCode).sort()).toEqual([203, 409]);
    expect(bank.calls.start - logins).toBe(1);
  });
});

describe("two first connections of one new username", () => {
  let t: TestApp;
  afterEach(() => t.close());

  it("end on one card, which holds saved credentials the next live refresh logs in with", async () => {
    t = await createTestApp({ randomInt: () => 0 });
    const login = () =>
      t.post(
        "Authorize",
        { Institution: "FlinksCapital", Username: "Greatday+twice", Password: "Everyday", MostRecentCached: false, Save: true },
        t.apiKeyHeaders(),
      );
    // No card yet, so nothing to take over: both wait at MFA side by side.
    const first = (await login()).json().RequestId as string;
    const second = (await login()).json().RequestId as string;
    const answer = (requestId: string) => t.post("Authorize", { RequestId: requestId, SecurityResponses: ANSWER }, t.apiKeyHeaders());
    const created = await answer(first);
    expect(created.statusCode).toBe(200);
    // The second finds the card the first created, and saves its credentials on it.
    const found = await answer(second);
    expect(found.statusCode).toBe(200);
    expect(found.json().Login.Id).toBe(created.json().Login.Id);
    const refreshed = await t.post("Authorize", { LoginId: created.json().Login.Id, MostRecentCached: false }, t.apiKeyHeaders());
    expect(refreshed.statusCode, refreshed.body).toBe(203);
  });
});

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSimpleFinConnector } from "../../../src/connectors/simplefin/simplefin-connector.js";
import { MemoryVault, type SimpleFinKit, startSimpleFinKit } from "./simplefin-kit.js";

/** The daily request budget per access URL, counted in the card's vault. */
let kit: SimpleFinKit;

beforeAll(async () => {
  kit = await startSimpleFinKit(new Date("2026-03-10T22:00:00.000Z"));
});
afterAll(() => kit.close());

const accessRequests = () => kit.requests.filter((r) => r.path.endsWith("/accounts") || r.path.endsWith("/info")).length;
const budgetOf = async (vault: MemoryVault) => ((await vault.read()) as { budget: { day: string; used: number } }).budget;

describe("the daily request budget", () => {
  it("counts every request to the access URL (the claim is not one): /info and five windows on a first fetch", async () => {
    const connector = kit.connector();
    const vault = new MemoryVault();
    await connector.start(await kit.credentials("ok"), kit.context(vault));
    const before = accessRequests();
    expect((await connector.fetchData(null, kit.context(vault))).kind).toBe("data");
    expect(accessRequests() - before).toBe(6);
    expect(await budgetOf(vault)).toEqual({ day: "2026-03-10", used: 6 });
  });

  it("once spent, serves the card's last data (unchanged) without a request, until the next UTC day", async () => {
    const connector = kit.connector({ dailyRequestBudget: 8 });
    const vault = new MemoryVault();
    await connector.start(await kit.credentials("ok"), kit.context(vault));
    expect((await connector.fetchData(null, kit.context(vault))).kind).toBe("data");
    const before = accessRequests();
    expect(await connector.fetchData(null, kit.context(vault))).toEqual({ kind: "unchanged" });
    expect(accessRequests()).toBe(before);

    kit.clock.advanceSeconds(2 * 3600); // past midnight UTC
    expect((await connector.fetchData(null, kit.context(vault))).kind).toBe("data");
    expect(await budgetOf(vault)).toEqual({ day: "2026-03-11", used: 5 });
  });

  it("fails clearly on a card that has no data yet", async () => {
    const connector = kit.connector({ dailyRequestBudget: 6 });
    const vault = new MemoryVault();
    await connector.start(await kit.credentials("payment_required", "pam"), kit.context(vault));
    expect(await connector.fetchData(null, kit.context(vault))).toEqual({ kind: "failed", code: "PAYMENT_REQUIRED" });
    await kit.control("scenario", { user: "pam", scenario: "ok" });
    // Two of six spent: a first fetch needs six, and a half-fetched year is never published.
    const before = accessRequests();
    expect(await connector.fetchData(null, kit.context(vault))).toEqual({ kind: "failed", code: "DAILY_REQUEST_LIMIT" });
    expect(accessRequests()).toBe(before);
    kit.clock.advanceSeconds(86_400);
    expect((await connector.fetchData(null, kit.context(vault))).kind).toBe("data");
  });

  it("starts afresh with a new access URL (a reconnect's new token)", async () => {
    const connector = kit.connector({ dailyRequestBudget: 6 });
    const vault = new MemoryVault();
    await connector.start(await kit.credentials("ok", "ursula"), kit.context(vault));
    expect((await connector.fetchData(null, kit.context(vault))).kind).toBe("data");
    expect(await connector.fetchData(null, kit.context(vault))).toEqual({ kind: "unchanged" });
    await connector.start({ username: "card-ok", password: await kit.setupToken("ok", "ursula"), language: "en" }, kit.context(vault));
    expect((await connector.fetchData(null, kit.context(vault))).kind).toBe("data");
  });

  it("asks for a new token without a request when a revoked card's budget is spent", async () => {
    const connector = kit.connector({ dailyRequestBudget: 6 });
    const vault = new MemoryVault();
    const credentials = await kit.credentials("ok", "rex");
    await connector.start(credentials, kit.context(vault));
    expect((await connector.fetchData(null, kit.context(vault))).kind).toBe("data");
    await kit.control("revoke", { user: "rex" });
    kit.clock.advanceSeconds(86_400);
    await connector.fetchData(null, kit.context(vault)); // 403 on the first window: 1 of 6
    const spend = kit.connector({ dailyRequestBudget: 6 });
    for (let i = 0; i < 5; i++) await spend.start(credentials, kit.context(vault)); // each a balances-only probe
    const before = accessRequests();
    expect((await connector.start(credentials, kit.context(vault))).kind).toBe("challenged");
    expect(accessRequests()).toBe(before);
  });

  it.each([
    [{ dailyRequestBudget: 0 }],
    [{ dailyRequestBudget: 5 }],
    [{ historyDays: 0 }],
    [{ maxDaysPerRequest: 1 }],
    [{ requestTimeoutSeconds: 0 }],
    [{ historyDays: 3650 }],
  ])("refuses options that could never work: %o", (options) => {
    expect(() => createSimpleFinConnector(options)).toThrow(RangeError);
  });
});

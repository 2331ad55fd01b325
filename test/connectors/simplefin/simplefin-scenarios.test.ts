import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateBankData } from "../../../src/connectors/sandbox/generate-bank-data.js";
import type { FetchResult, InstitutionConnector } from "../../../src/connectors/types.js";
import { type SimpleFinKit, startSimpleFinKit } from "./simplefin-kit.js";

/**
 * One test per simulator scenario (docs/connectors/simplefin.md): the connector against the
 * simulator over real HTTP, from the setup token to the data or the catalogued failure.
 */
let kit: SimpleFinKit;
let connector: InstitutionConnector;

beforeAll(async () => {
  kit = await startSimpleFinKit();
  connector = kit.connector();
});
afterAll(() => kit.close());

/** Connects a card of `scenario` and fetches its data once. */
async function connectAndFetch(
  scenario: string,
  user?: string,
): Promise<{ fetched: FetchResult; ctx: ReturnType<SimpleFinKit["context"]> }> {
  const ctx = kit.context();
  const login = await connector.start(await kit.credentials(scenario, user), ctx);
  expect(login.kind).toBe("authorized");
  const state = login.kind === "authorized" ? login.connectorState : null;
  return { fetched: await connector.fetchData(state, ctx), ctx };
}

function accountsOf(fetched: FetchResult) {
  if (fetched.kind !== "data") throw new Error(`expected data, got ${JSON.stringify(fetched)}`);
  return fetched.data.accounts;
}

describe("SimpleFIN scenarios", () => {
  it("ok: a year of four accounts in five 90-day windows, balances derived backwards equal to the bank's own", async () => {
    const from = kit.requests.length;
    const accounts = accountsOf((await connectAndFetch("ok", "olivia")).fetched);
    // The simulator's data is the sandbox generator's: the connector must rebuild it exactly.
    const bank = generateBankData("simplefin-sim|olivia", kit.clock.now(), { region: "US", daysOfHistory: 365 });
    expect(accounts.map((a) => [a.title, a.category, a.type, a.balance.current])).toEqual(
      bank.accounts.map((a) => [a.title, a.category, a.type, a.balance.current]),
    );
    for (const [i, account] of accounts.entries()) {
      const expected = bank.accounts[i]?.transactions.map((t) => [t.date, t.description, t.debit, t.credit, t.balance]);
      expect(account.transactions.map((t) => [t.date, t.description, t.debit, t.credit, t.balance])).toEqual(expected);
      expect(new Set(account.transactions.map((t) => t.key)).size).toBe(account.transactions.length);
    }
    const keys = accounts.map((a) => JSON.parse(a.key)[0]);
    expect(new Set(keys).size).toBe(2); // two connections
    expect(keys.every((k: string) => k.startsWith("conn:CON-"))).toBe(true);

    // What the connector sent (the test's own /create calls aside).
    const sent = kit.requests.slice(from).filter((r) => !r.path.endsWith("/create"));
    expect(sent.map((r) => `${r.method} ${r.path.replace(/\/claim\/.*/, "/claim/…")}`)).toEqual([
      "POST /simplefin/claim/…",
      "GET /simplefin/info",
      ...Array(5).fill("GET /simplefin/accounts"),
    ]);
    const windows = sent.filter((r) => r.path.endsWith("/accounts"));
    expect(windows.every((r) => r.query.get("version") === "2")).toBe(true);
    expect(windows.map((r) => r.query.get("pending"))).toEqual(["1", null, null, null, null]);
    expect(windows.every((r) => Number(r.query.get("end-date")) - Number(r.query.get("start-date")) <= 90 * 86_400)).toBe(true);
  });

  it("v1_only: protocol 1 bodies, keyed by institution; version=2 is never sent", async () => {
    const from = kit.requests.length;
    const accounts = accountsOf((await connectAndFetch("v1_only")).fetched);
    expect(accounts).toHaveLength(4);
    expect(accounts.every((a) => JSON.parse(a.key)[0].startsWith("org:"))).toBe(true);
    expect(kit.requests.slice(from).some((r) => r.query.has("version"))).toBe(false);
  });

  it("many_transactions: a window of about 1,000 transactions, each once", async () => {
    const [account] = accountsOf((await connectAndFetch("many_transactions", "max")).fetched);
    // The simulator generates 400 days at that pace; the connector asked for the last 365.
    const bank = generateBankData("simplefin-sim|max", kit.clock.now(), {
      region: "US",
      daysOfHistory: 400,
      accounts: 1,
      transactionsPerAccount: 4600,
    });
    const lastYear = bank.accounts[0]?.transactions.filter((t) => t.date >= "2025-01-15") ?? [];
    expect(account?.transactions.map((t) => [t.date, t.description, t.balance])).toEqual(
      lastYear.map((t) => [t.date, t.description, t.balance]),
    );
    const lastNinetyDays = account?.transactions.filter((t) => t.date >= "2025-10-17").length ?? 0;
    expect(lastNinetyDays).toBeGreaterThan(950);
    expect(new Set(account?.transactions.map((t) => t.key)).size).toBe(account?.transactions.length);
  });

  it.each([
    ["payment_required", "PAYMENT_REQUIRED"],
    ["revoked", "RECONNECT_REQUIRED"],
    ["gen_auth", "RECONNECT_REQUIRED"],
    ["con_auth", "CONNECTION_NEEDS_ATTENTION"],
    ["html_error", "RETRY_LATER"],
    ["truncated", "RETRY_LATER"],
    ["malformed", "RETRY_LATER"],
    ["huge_body", "RETRY_LATER"],
  ])("%s: the fetch fails with %s", async (scenario, code) => {
    const { fetched } = await connectAndFetch(scenario);
    expect(fetched).toEqual({ kind: "failed", code });
  });

  it("hanging: the request's own timeout answers RETRY_LATER", async () => {
    const impatient = kit.connector({ requestTimeoutSeconds: 0.3 });
    const ctx = kit.context();
    const login = await impatient.start(await kit.credentials("hanging"), ctx);
    expect(await impatient.fetchData(login.kind === "authorized" ? login.connectorState : null, ctx)).toEqual({
      kind: "failed",
      code: "RETRY_LATER",
    });
  });

  it("slow: every window waits on the simulator's clock, then the data arrives", async () => {
    const ctx = kit.context();
    const login = await connector.start(await kit.credentials("slow"), ctx);
    let settled = false;
    const fetching = connector.fetchData(login.kind === "authorized" ? login.connectorState : null, ctx).finally(() => {
      settled = true;
    });
    for (let window = 0; window < 10 && !settled; window++) {
      await Promise.race([kit.clock.whenSleeping(1), fetching]);
      kit.clock.advanceSeconds(30);
    }
    expect(accountsOf(await fetching)).toHaveLength(4);
  });
});

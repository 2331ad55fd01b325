import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CardVault, FetchResult, InstitutionConnector, Json, StepResult } from "../../../src/connectors/types.js";
import { MemoryVault, type SimpleFinKit, startSimpleFinKit } from "./simplefin-kit.js";

/** A card's life at the connector: one claim, crashes, refreshes, a revoked access, pending charges, new accounts. */
let kit: SimpleFinKit;
let connector: InstitutionConnector;

beforeAll(async () => {
  kit = await startSimpleFinKit();
  connector = kit.connector();
});
afterAll(() => kit.close());

const claims = () => kit.requests.filter((r) => r.path.includes("/claim/")).length;
const stateOf = (step: StepResult): Json => (step.kind === "failed" ? null : step.connectorState);

function accountsOf(fetched: FetchResult) {
  if (fetched.kind !== "data") throw new Error(`expected data, got ${JSON.stringify(fetched)}`);
  return fetched.data.accounts;
}

/** A vault whose first read is from before another login's write landed. */
class StaleFirstReadVault implements CardVault {
  #stale = true;
  constructor(private readonly inner: MemoryVault) {}
  async read(): Promise<Json | null> {
    if (!this.#stale) return this.inner.read();
    this.#stale = false;
    return null;
  }
  write(value: Json): Promise<void> {
    return this.inner.write(value);
  }
}

/** A vault whose first write lands and then the process "dies": the connector never returns. */
class CrashAfterWriteVault extends MemoryVault {
  override async write(value: Json): Promise<void> {
    await super.write(value);
    if (this.writes === 1) throw new Error("killed right after the vault write");
  }
}

describe("a SimpleFIN card", () => {
  it("claims its token once: a retry with a fresh context sharing the vault does not claim again", async () => {
    const credentials = await kit.credentials("ok", "retry");
    const vault = new MemoryVault();
    const before = claims();
    const first = await connector.start(credentials, kit.context(vault));
    expect(first.kind).toBe("authorized");
    // The result is dropped (the process died before committing it); the same login runs again.
    const again = await connector.start(credentials, kit.context(vault));
    expect(again.kind).toBe("authorized");
    expect(claims() - before).toBe(1);
    expect(accountsOf(await connector.fetchData(stateOf(again), kit.context(vault)))).toHaveLength(4);
  });

  it("loses nothing when the process dies right after the claim: the vault was written first", async () => {
    const credentials = await kit.credentials("ok", "crash");
    const vault = new CrashAfterWriteVault();
    await expect(connector.start(credentials, kit.context(vault))).rejects.toThrow("killed");
    const resumed = await connector.start(credentials, kit.context(vault));
    expect(resumed.kind).toBe("authorized");
    expect(accountsOf(await connector.fetchData(stateOf(resumed), kit.context(vault)))).toHaveLength(4);
  });

  it("lets the loser of two racing logins with one new token in: it finds the winner's claim in the vault", async () => {
    const credentials = await kit.credentials("ok", "twice");
    const vault = new MemoryVault();
    expect((await connector.start(credentials, kit.context(vault))).kind).toBe("authorized");
    // The loser read the vault before the winner wrote it, so it claims too and meets the 403.
    const loser = new StaleFirstReadVault(vault);
    const before = claims();
    expect((await connector.start(credentials, kit.context(loser))).kind).toBe("authorized");
    expect(claims() - before).toBe(1);
  });

  it("tells another card that reuses a claimed token that it is spent (and may be compromised)", async () => {
    const credentials = await kit.credentials("ok");
    expect((await connector.start(credentials, kit.context())).kind).toBe("authorized");
    expect(await connector.start(credentials, kit.context())).toEqual({ kind: "failed", code: "SETUP_TOKEN_ALREADY_USED" });
  });

  it("after a revocation asks for a new setup token (203), claims it into the same card and keeps the account keys", async () => {
    const credentials = await kit.credentials("ok", "rita");
    const vault = new MemoryVault();
    const login = await connector.start(credentials, kit.context(vault));
    const before = accountsOf(await connector.fetchData(stateOf(login), kit.context(vault))).map((a) => a.key);

    await kit.control("revoke", { user: "rita" });
    // A nightly refresh: the login needs no request, the fetch meets the refusal and ends there.
    const nightly = await connector.start(credentials, kit.context(vault));
    expect(nightly.kind).toBe("authorized");
    expect(await connector.fetchData(stateOf(nightly), kit.context(vault))).toEqual({ kind: "failed", code: "RECONNECT_REQUIRED" });

    // A refresh the app starts: one balances-only request confirms the refusal, then the 203.
    const from = kit.requests.length;
    const live = await connector.start(credentials, kit.context(vault));
    expect(kit.requests.slice(from).map((r) => r.query.get("balances-only"))).toEqual(["1"]);
    if (live.kind !== "challenged") throw new Error(`expected a challenge, got ${live.kind}`);
    expect(live.challenges).toEqual([{ type: "QuestionAndAnswer", prompt: expect.stringContaining("setup token") }]);
    const prompt = live.challenges[0]?.prompt ?? "";

    expect(await connector.answer({ [prompt]: ["not a token"] }, live.connectorState, kit.context(vault))).toEqual({
      kind: "failed",
      code: "INVALID_SECURITY_RESPONSE",
    });
    expect(await connector.answer({ [prompt]: [credentials.password] }, live.connectorState, kit.context(vault))).toEqual({
      kind: "failed",
      code: "RECONNECT_REQUIRED",
    });
    const fixed = await connector.answer({ [prompt]: [await kit.setupToken("ok", "rita")] }, live.connectorState, kit.context(vault));
    expect(fixed.kind).toBe("authorized");
    expect(accountsOf(await connector.fetchData(stateOf(fixed), kit.context(vault))).map((a) => a.key)).toEqual(before);

    // The card's stored credentials still hold the first token: it stays the card's, no claim.
    const claimed = claims();
    expect((await connector.start(credentials, kit.context(vault))).kind).toBe("authorized");
    expect(claims()).toBe(claimed);
  });

  it("asks for a new setup token in the very refresh its person started, when nobody had noticed the revocation yet", async () => {
    const credentials = await kit.credentials("ok", "sara");
    const vault = new MemoryVault();
    const login = await connector.start(credentials, kit.context(vault));
    expect(accountsOf(await connector.fetchData(stateOf(login), kit.context(vault))).length).toBeGreaterThan(0);
    await kit.control("revoke", { user: "sara" });

    // Attended: one balances-only probe finds the refusal at the login, not the fetch after it.
    const from = kit.requests.length;
    const live = await connector.start(credentials, kit.context(vault, undefined, true));
    expect(kit.requests.slice(from).map((r) => r.query.get("balances-only"))).toEqual(["1"]);
    expect(live.kind).toBe("challenged");
    // A healthy card's attended refresh costs that one probe and goes on.
    const healthy = await kit.credentials("ok", "tara");
    const healthyVault = new MemoryVault();
    await connector.start(healthy, kit.context(healthyVault));
    expect((await connector.start(healthy, kit.context(healthyVault, undefined, true))).kind).toBe("authorized");
  });

  it("lets a card whose refusal passed back in without a new token", async () => {
    const credentials = await kit.credentials("ok", "paula");
    const vault = new MemoryVault();
    await connector.start(credentials, kit.context(vault));
    await kit.control("scenario", { user: "paula", scenario: "revoked" });
    expect((await connector.fetchData(null, kit.context(vault))).kind).toBe("failed");
    await kit.control("scenario", { user: "paula", scenario: "ok" });
    expect((await connector.start(credentials, kit.context(vault))).kind).toBe("authorized");
  });

  it("takes a new setup token typed at login as a reconnect of the same card", async () => {
    const vault = new MemoryVault();
    const first = await connector.start(await kit.credentials("ok", "nora"), kit.context(vault));
    const keys = accountsOf(await connector.fetchData(stateOf(first), kit.context(vault))).map((a) => a.key);
    const second = await connector.start(
      { username: "card-ok", password: await kit.setupToken("ok", "nora"), language: "en" },
      kit.context(vault),
    );
    expect(accountsOf(await connector.fetchData(stateOf(second), kit.context(vault))).map((a) => a.key)).toEqual(keys);
  });

  it("keeps a pending charge's key when it posts under the same id, and lists it once", async () => {
    const vault = new MemoryVault();
    const login = await connector.start(await kit.credentials("pending_posts", "pia"), kit.context(vault));
    const card = () =>
      connector.fetchData(stateOf(login), kit.context(vault)).then((f) => accountsOf(f).find((a) => a.type === "CreditCard"));
    const pendingCard = await card();
    const pending = pendingCard?.transactions[0];
    expect(pending).toMatchObject({ description: "CORNER BISTRO (PENDING)", debit: 45 });

    kit.clock.advanceSeconds(2 * 86_400 + 60);
    const postedCard = await card();
    const posted = postedCard?.transactions.filter((t) => t.description.startsWith("CORNER BISTRO"));
    expect(posted).toEqual([expect.objectContaining({ key: pending?.key, description: "CORNER BISTRO", debit: 54.05 })]);
  });

  it("adds an account that opens later beside the others, whose keys stay", async () => {
    const vault = new MemoryVault();
    const login = await connector.start(await kit.credentials("new_account_later", "ned"), kit.context(vault));
    const before = accountsOf(await connector.fetchData(stateOf(login), kit.context(vault))).map((a) => a.key);
    kit.clock.advanceSeconds(86_400);
    const after = accountsOf(await connector.fetchData(stateOf(login), kit.context(vault)));
    expect(after.map((a) => a.key).slice(0, 4)).toEqual(before);
    expect(after[4]).toMatchObject({ title: "High Yield Savings", type: "Savings", balance: { current: 1000 } });
  });
});

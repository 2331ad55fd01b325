import Fastify, { type FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ManualClock } from "../../../src/lib/clock.js";
import { simpleFinSimulator } from "../../../src/sim/simplefin/simplefin-simulator.js";
import * as spec from "./spec-examples.js";

/**
 * The simulator's answers against the protocol page: its examples' keys, key for key (no
 * third-party SimpleFIN client is published on npm to run against it), every endpoint and
 * query parameter, and one state per instance.
 */
const BASE = "https://sim.example/simplefin";
let app: FastifyInstance;
const clock = new ManualClock(new Date("2026-01-15T15:00:00.000Z"));

async function simulator(): Promise<FastifyInstance> {
  const instance = Fastify();
  await instance.register(simpleFinSimulator, { prefix: "/simplefin", baseUrl: BASE, clock });
  return instance;
}

beforeAll(async () => {
  app = await simulator();
});
afterAll(() => app.close());

async function createToken(scenario: string, user?: string, target = app): Promise<string> {
  const response = await target.inject({
    method: "POST",
    url: `/simplefin/create?${new URLSearchParams({ scenario, ...(user ? { user } : {}) })}`,
  });
  expect(response.statusCode).toBe(200);
  return response.body;
}

/** Claims a token: the access URL's credentials as a Basic header. */
async function claim(token: string, target = app): Promise<{ authorization: string; accessUrl: string }> {
  const claimUrl = new URL(Buffer.from(token, "base64").toString("utf8"));
  const response = await target.inject({ method: "POST", url: claimUrl.pathname });
  expect(response.statusCode).toBe(200);
  const access = new URL(response.body);
  return { accessUrl: response.body, authorization: `Basic ${Buffer.from(`${access.username}:${access.password}`).toString("base64")}` };
}

async function accounts(authorization: string, query = "", target = app) {
  return target.inject({ method: "GET", url: `/simplefin/accounts${query}`, headers: { authorization } });
}

const keys = (value: object) => Object.keys(value).sort();

describe("the SimpleFIN simulator", () => {
  it("makes setup tokens that are Base64 claim URLs pointing at itself, claimable once", async () => {
    const token = await createToken("ok");
    const claimUrl = Buffer.from(token, "base64").toString("utf8");
    expect(claimUrl).toMatch(new RegExp(`^${BASE}/claim/[0-9a-f]{32}$`));
    const { accessUrl } = await claim(token);
    expect(accessUrl).toMatch(/^https:\/\/sim[0-9a-f]{16}:[\w-]{32}@sim\.example\/simplefin$/);
    expect((await app.inject({ method: "POST", url: new URL(claimUrl).pathname })).statusCode).toBe(403);
    expect((await app.inject({ method: "POST", url: "/simplefin/claim/unknown" })).statusCode).toBe(403);
  });

  it("lets exactly one of many racing claims of a token through", async () => {
    const path = new URL(Buffer.from(await createToken("ok"), "base64").toString("utf8")).pathname;
    const answers = await Promise.all(
      Array.from({ length: 20 }, () => app.inject({ method: "POST", url: path, headers: { "content-type": "application/json" } })),
    );
    expect(answers.map((a) => a.statusCode).sort()).toEqual([200, ...Array(19).fill(403)]);
  });

  it("answers /accounts without or with wrong credentials with 403", async () => {
    expect((await app.inject({ method: "GET", url: "/simplefin/accounts" })).statusCode).toBe(403);
    const { authorization } = await claim(await createToken("ok"));
    expect((await accounts(`${authorization.slice(0, -4)}AAAA`)).statusCode).toBe(403);
  });

  it("answers protocol 2 with the spec's keys: account set, connection, account, transaction, gen.api notice", async () => {
    const { authorization } = await claim(await createToken("ok"));
    const body = (await accounts(authorization, "?version=2&start-date=0")).json();
    expect(keys(body)).toEqual(keys(spec.v2AccountSet));
    expect(body.connections.map(keys)).toEqual([keys(spec.v2Connection), keys(spec.v2Connection)]);
    expect(keys(body.accounts[0])).toEqual(keys(spec.v2Account));
    expect(keys(body.accounts[0].transactions[0])).toEqual(keys(spec.v2Account.transactions[0] ?? {}));
    expect(body.errlist).toEqual([{ code: "gen.api", msg: "Requested date range exceeds limit of 90 days and was capped." }]);
    expect(keys(body.errlist[0])).toEqual(keys(spec.v2Errors.general));
    expect(
      body.accounts.every((a: { conn_id: string }) => body.connections.some((c: { conn_id: string }) => c.conn_id === a.conn_id)),
    ).toBe(true);
  });

  it("answers protocol 1 by default with the spec's keys: errors, org", async () => {
    const { authorization } = await claim(await createToken("ok"));
    const body = (await accounts(authorization, `?start-date=${Date.parse("2026-01-01") / 1000}`)).json();
    expect(keys(body)).toEqual(keys(spec.v1AccountSet));
    expect(keys(body.accounts[0])).toEqual(keys(spec.v1AccountSet.accounts[0] ?? {}));
    expect(keys(body.accounts[0].org)).toEqual(keys(spec.v1Organization));
    expect(body.errors).toEqual([]);
  });

  it("answers /info with the versions of the scenario, in the spec's shape", async () => {
    expect(keys((await app.inject({ method: "GET", url: "/simplefin/info" })).json())).toEqual(keys(spec.info));
    const { authorization } = await claim(await createToken("v1_only"));
    expect((await app.inject({ method: "GET", url: "/simplefin/info", headers: { authorization } })).json()).toEqual({ versions: ["1.0"] });
    expect((await accounts(authorization, "?version=2")).json()).toHaveProperty("errors");
  });

  it("filters transactions: start-date inclusive, end-date exclusive, pending only with pending=1", async () => {
    const { authorization } = await claim(await createToken("pending_posts", "filter"));
    const all = (await accounts(authorization, `?version=2&start-date=${Date.parse("2025-12-01") / 1000}&pending=1`)).json();
    const listed = all.accounts.flatMap((a: { transactions: Array<{ posted: number; pending?: boolean }> }) => a.transactions);
    const pending = listed.filter((t: { pending?: boolean }) => t.pending);
    expect(pending).toHaveLength(1);
    expect(keys(pending[0]).every((k) => spec.transactionAttributes.includes(k))).toBe(true);
    expect(pending[0]).toMatchObject({ posted: 0, pending: true, amount: "-45.00" });

    const one = listed.find((t: { pending?: boolean }) => !t.pending) as { posted: number };
    const window = (start: number, end: number) =>
      accounts(authorization, `?version=2&start-date=${start}&end-date=${end}`).then((r) => r.json());
    const ids = (body: { accounts: Array<{ transactions: Array<{ posted: number }> }> }) =>
      body.accounts.flatMap((a) => a.transactions.map((t) => t.posted));
    expect(ids(await window(one.posted, one.posted + 1))).toContain(one.posted);
    expect(ids(await window(one.posted - 60, one.posted))).not.toContain(one.posted);
    expect(ids(await window(0, Date.parse("2026-01-20") / 1000)).some((p) => p === 0)).toBe(false);
  });

  it("honours balances-only=1 and account= (repeated)", async () => {
    const { authorization } = await claim(await createToken("ok"));
    const balances = (await accounts(authorization, "?version=2&balances-only=1")).json();
    expect(balances.accounts).toHaveLength(4);
    expect(balances.accounts.every((a: object) => !("transactions" in a))).toBe(true);
    const [first, , third] = balances.accounts as Array<{ id: string }>;
    const picked = (await accounts(authorization, `?version=2&account=${first?.id}&account=${third?.id}`)).json();
    expect(picked.accounts.map((a: { id: string }) => a.id)).toEqual([first?.id, third?.id]);
  });

  it("refuses a date that is not epoch seconds with 400 and a gen.api error", async () => {
    const { authorization } = await claim(await createToken("ok"));
    const response = await accounts(authorization, "?version=2&start-date=yesterday");
    expect(response.statusCode).toBe(400);
    expect(response.json().errlist[0].code).toBe("gen.api");
  });

  it("revokes a user's access URLs on request; a new token works again", async () => {
    const { authorization } = await claim(await createToken("ok", "vic"));
    expect((await accounts(authorization)).statusCode).toBe(200);
    expect((await app.inject({ method: "POST", url: "/simplefin/_control/revoke?user=vic" })).statusCode).toBe(204);
    expect((await accounts(authorization)).statusCode).toBe(403);
    const renewed = await claim(await createToken("ok", "vic"));
    expect((await accounts(renewed.authorization)).statusCode).toBe(200);
  });

  it("gives the same user the same data on another instance with the same seed, but shares no state", async () => {
    const other = await simulator();
    try {
      const here = (await accounts((await claim(await createToken("ok", "same"))).authorization, "?version=2")).json();
      const there = (
        await accounts((await claim(await createToken("ok", "same", other), other)).authorization, "?version=2", other)
      ).json();
      expect(there).toEqual(here);
      const path = new URL(Buffer.from(await createToken("ok"), "base64").toString("utf8")).pathname;
      expect((await other.inject({ method: "POST", url: path })).statusCode).toBe(403);
    } finally {
      await other.close();
    }
  });

  it("serves a /create page and makes tokens from its form; unknown scenarios and bad names are 400", async () => {
    const page = await app.inject({ method: "GET", url: "/simplefin/create" });
    expect(page.headers["content-type"]).toContain("text/html");
    expect(page.body).toContain('<option value="pending_posts"');
    const form = await app.inject({
      method: "POST",
      url: "/simplefin/create",
      headers: { "content-type": "application/x-www-form-urlencoded", accept: "text/html" },
      payload: "scenario=v1_only&user=%3Cb%3Ex",
    });
    expect(form.statusCode).toBe(400);
    const made = await app.inject({
      method: "POST",
      url: "/simplefin/create",
      headers: { "content-type": "application/x-www-form-urlencoded", accept: "text/html" },
      payload: "scenario=v1_only&user=bo",
    });
    expect(made.body).toMatch(/<textarea readonly[^>]*>aHR0cHM6/);
    expect((await app.inject({ method: "POST", url: "/simplefin/create?scenario=nope" })).statusCode).toBe(400);
  });
});

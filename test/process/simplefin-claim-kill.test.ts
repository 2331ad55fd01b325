/**
 * A kill -9 between the SimpleFIN claim and the answer loses nothing. A setup token can be
 * claimed once: if the access URL the claim returned were lost with the process, the person's
 * token would be spent and their card never connected. The connector keeps the access URL in
 * the card's vault before it answers, so a retry of the same /Authorize (same token, same label)
 * after a restart connects the card without claiming again.
 *
 * The compiled server runs the real `SimpleFIN` institution (BANKGATE_SIMPLEFIN=on) against a
 * SimpleFIN simulator in this test process (its claims are counted), with
 * BANKGATE_FAULT_POINT=authorize-start:after-connector: the claim happens in the connector's
 * start(), so the process kills itself after the claim and before the login commits or answers.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import SqliteDatabase from "better-sqlite3";
import { afterAll, beforeAll, expect, it } from "vitest";
import { type SimpleFinKit, startSimpleFinKit } from "../connectors/simplefin/simplefin-kit.js";
import { buildServer, removeBuild, sleep } from "../helpers/server-build.js";
import { SERVER_CUSTOMER, ServerProcess } from "../helpers/server-process.js";

const ENV = {
  BANKGATE_SIMPLEFIN: "on",
  // The simulator is on 127.0.0.1 over plain HTTP, as a deployment running its own SimpleFIN server would allow.
  BANKGATE_CONNECTOR_ALLOW_HTTP: "on",
  BANKGATE_CONNECTOR_ALLOW_PRIVATE_NETWORK: "on",
  BANKGATE_CONNECTOR_TIMEOUT_SECONDS: "10",
  BANKGATE_JOB_POLL_INTERVAL_MS: "50",
  // Data calls answer 202 at once while the aggregation runs, instead of holding the request.
  BANKGATE_DATA_SYNC_WAIT_SECONDS: "0",
};
const API_KEY = { "x-api-key": SERVER_CUSTOMER.apiKey };
/** Bounds every poll below (the aggregation of a year of four accounts takes well under this). */
const BOUND_MS = 15_000;

let main = "";
let sim: SimpleFinKit;
let server: ServerProcess | null = null;
const dataDir = mkdtempSync(join(tmpdir(), "bankgate-simplefin-kill-"));

beforeAll(async () => {
  main = await buildServer("simplefin-kill", 170_000);
  // The simulator's clock is the server's time: the server asks for windows around its own now.
  sim = await startSimpleFinKit(new Date());
}, 180_000);
afterAll(async () => {
  await server?.kill();
  await sim?.close();
  if (main) removeBuild(main);
  rmSync(dataDir, { recursive: true, force: true });
});

interface Reply {
  status: number;
  // biome-ignore lint/suspicious/noExplicitAny: Flinks JSON bodies, checked field by field
  body: any;
}

async function post(operation: string, body: unknown, headers: Record<string, string>): Promise<Reply | "died"> {
  if (!server) throw new Error("no server");
  try {
    const response = await fetch(`${server.base}/v3/${SERVER_CUSTOMER.customerId}/BankingServices/${operation}`, {
      method: "POST",
      headers: { ...(body === undefined ? {} : { "content-type": "application/json" }), ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(10_000),
    });
    return { status: response.status, body: await response.json() };
  } catch (error) {
    // undici: the socket closed under the request because the server died.
    const code = (error as { cause?: { code?: string } }).cause?.code ?? "";
    if (error instanceof TypeError && ["UND_ERR_SOCKET", "ECONNRESET", "ECONNREFUSED", "EPIPE"].includes(code)) return "died";
    throw error;
  }
}

async function reply(operation: string, body: unknown, headers: Record<string, string>): Promise<Reply> {
  const answer = await post(operation, body, headers);
  if (answer === "died") throw new Error(`${operation}: the server died:\n${server?.output()}`);
  return answer;
}

async function authorizeToken(): Promise<Record<string, string>> {
  const answer = await reply("GenerateAuthorizeToken", undefined, { "flinks-auth-key": SERVER_CUSTOMER.secretKey });
  expect(answer.status).toBe(200);
  return { "flinks-auth-key": answer.body.Token };
}

const claims = () => sim.requests.filter((r) => r.method === "POST" && r.path.startsWith("/simplefin/claim/")).length;

/** The SQLite file as the killed process left it (nothing runs): the card's vault rows and its cards. */
function readStore(): { vaults: number; logins: number; sessions: string[] } {
  const db = new SqliteDatabase(join(dataDir, "bankgate.sqlite"), { readonly: true, fileMustExist: true });
  try {
    const count = (table: string) => (db.prepare(`select count(*) as n from ${table}`).get() as { n: number }).n;
    const sessions = (db.prepare("select state from sessions").all() as Array<{ state: string }>).map((s) => s.state);
    return { vaults: count("card_vault"), logins: count("logins"), sessions };
  } finally {
    db.close();
  }
}

it("killed after the claim, before the answer: the same /Authorize after a restart is 200 and the token was claimed once", async () => {
  const token = await sim.setupToken("ok");
  const login = { Institution: "SimpleFIN", Username: "Household accounts", Password: token, MostRecentCached: false, Save: true };

  server = await ServerProcess.start({ main, dataDir, env: { ...ENV, BANKGATE_FAULT_POINT: "authorize-start:after-connector" } });
  expect(await post("Authorize", login, await authorizeToken())).toBe("died");
  expect(await server.waitForExit(10_000), server.output()).toEqual({ code: null, signal: "SIGKILL" });

  // The claim happened and its access URL is in the card's vault; no card, no answer was committed.
  expect(claims()).toBe(1);
  expect(readStore()).toEqual({ vaults: 1, logins: 0, sessions: ["connecting"] });

  server = await ServerProcess.start({ main, dataDir, env: ENV });
  const retried = await reply("Authorize", login, await authorizeToken());
  expect(retried.status, JSON.stringify(retried.body)).toBe(200);
  expect(retried.body).toMatchObject({ Institution: "SimpleFIN", Login: { Username: "Household accounts" } });
  expect(claims()).toBe(1);

  // The kept access URL really reads the accounts.
  const deadline = Date.now() + BOUND_MS;
  let detail = await reply("GetAccountsDetail", { RequestId: retried.body.RequestId }, API_KEY);
  while (detail.status === 202 && Date.now() < deadline) {
    await sleep(100);
    detail = await reply("GetAccountsDetail", { RequestId: retried.body.RequestId }, API_KEY);
  }
  expect(detail.status, JSON.stringify(detail.body).slice(0, 300)).toBe(200);
  expect(detail.body.Accounts).toHaveLength(4);
  expect(sim.requests.some((r) => r.path === "/simplefin/accounts")).toBe(true);
  expect(claims()).toBe(1);
  expect(readStore()).toMatchObject({ vaults: 1, logins: 1 });
}, 60_000);

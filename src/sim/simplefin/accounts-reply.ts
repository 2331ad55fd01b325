import { simulatedAccounts } from "./sim-accounts.js";
import { type AccountsRequest, accountSetBody } from "./sim-bodies.js";
import type { SimUser } from "./sim-records.js";
import type { SimScenario } from "./sim-scenarios.js";

export interface AccountsReplyInput {
  user: SimUser;
  scenario: SimScenario;
  /** The request's path and query. */
  url: string;
  now: Date;
  serverUrl: string;
  seed: string;
  maxDaysPerRequest: number;
}

export interface SimReply {
  status: number;
  contentType: string;
  body: string | Buffer;
}

const DAY_SECONDS = 86_400;
const HUGE_BODY_BYTES = 11 * 1024 * 1024;

/**
 * The answer to an authenticated `GET /accounts`: the scenario's refusal or broken body, or the
 * Account Set for the request's parameters. A bad parameter is a 400 with a gen.api error.
 * Without `start-date` the Bridge lists only transactions since yesterday, and it trims a range
 * wider than its cap to the newest part (with a notice): both are copied here.
 */
export function accountsReply(input: AccountsReplyInput): SimReply {
  const { scenario, now } = input;
  if (scenario.status) return text(scenario.status, scenario.status === 402 ? "Payment Required" : "Forbidden");
  const params = new URL(input.url, "http://simulator.invalid").searchParams;
  const version = params.get("version") === "2" && scenario.versions.some((v) => v.startsWith("2")) ? 2 : 1;
  const read = readWindow(params, now, input.maxDaysPerRequest);
  if ("error" in read)
    return json(
      400,
      version === 2
        ? { errlist: [{ code: "gen.api", msg: read.error }], connections: [], accounts: [] }
        : { errors: [read.error], accounts: [] },
    );
  if (scenario.refusal === "gen.auth") {
    // Protocol 1 has no error codes: a v1 server refuses the credentials with a 403 instead.
    if (version === 1) return text(403, "Forbidden");
    return json(200, {
      errlist: [{ code: "gen.auth", msg: "Authentication failed: this app's access is no longer valid." }],
      connections: [],
      accounts: [],
    });
  }
  if (scenario.brokenBody === "html") {
    return {
      status: 200,
      contentType: "text/html; charset=utf-8",
      body: "<!doctype html><html><body><h1>502 Bad Gateway</h1><p>The server is busy.</p></body></html>",
    };
  }
  if (scenario.brokenBody === "huge") return { status: 200, contentType: "application/json", body: hugeBody() };
  const accounts = simulatedAccounts(input.seed, input.user, scenario, now);
  const request: AccountsRequest = {
    version,
    ...read,
    pending: params.get("pending") === "1",
    balancesOnly: params.get("balances-only") === "1",
    accountIds: params.getAll("account").length > 0 ? params.getAll("account") : null,
    connectionNeedingAttention: scenario.refusal === "con.auth" ? (accounts.at(-1)?.connection ?? null) : null,
  };
  const body = accountSetBody(accounts, request, input.serverUrl, now);
  if (scenario.brokenBody === "truncated") {
    const whole = JSON.stringify(body);
    return { status: 200, contentType: "application/json", body: whole.slice(0, Math.floor(whole.length / 2)) };
  }
  if (scenario.brokenBody === "wrong-types") return json(200, withWrongTypes(body));
  return json(200, body);
}

function readWindow(params: URLSearchParams, now: Date, maxDays: number) {
  const nowSeconds = Math.floor(now.getTime() / 1000);
  const epoch = (name: string) => {
    const value = params.get(name);
    if (value === null) return undefined;
    return /^\d{1,12}$/.test(value) ? Number(value) : Number.NaN;
  };
  const endDate = epoch("end-date") ?? nowSeconds;
  const startDate = epoch("start-date") ?? (Math.floor(nowSeconds / DAY_SECONDS) - 1) * DAY_SECONDS;
  if (Number.isNaN(startDate) || Number.isNaN(endDate)) return { error: "start-date and end-date must be Unix epoch seconds." };
  if (endDate - startDate <= maxDays * DAY_SECONDS) return { startDate, endDate, notices: [] };
  return {
    startDate: endDate - maxDays * DAY_SECONDS,
    endDate,
    notices: [`Requested date range exceeds limit of ${maxDays} days and was capped.`],
  };
}

/** Balances as numbers and posted dates as strings: JSON, but not SimpleFIN's types. */
function withWrongTypes(body: ReturnType<typeof accountSetBody>) {
  return {
    ...body,
    accounts: body.accounts.map((a) => ({
      ...a,
      balance: Number(a.balance),
      transactions: "transactions" in a ? a.transactions?.map((t) => ({ ...t, posted: String(t.posted) })) : undefined,
    })),
  };
}

function hugeBody(): Buffer {
  const head = Buffer.from('{"errlist":[],"connections":[],"accounts":[],"extra":"');
  return Buffer.concat([head, Buffer.alloc(HUGE_BODY_BYTES, "x"), Buffer.from('"}')]);
}

function json(status: number, body: unknown): SimReply {
  return { status, contentType: "application/json", body: JSON.stringify(body) };
}

function text(status: number, body: string): SimReply {
  return { status, contentType: "text/plain", body };
}

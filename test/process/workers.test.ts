/**
 * BANKGATE_WORKERS=2 (docs/decisions.md, "Worker processes"): the compiled server's primary
 * starts two workers that share the port, the store and the sandbox's virtual clock. Every
 * request here goes on a fresh connection, so the primary hands them to the workers in turn:
 * both serve the steps of logins (challenge on one, answer on either), time moved through one worker is
 * the time of both before the answer, /metrics counts both, a worker that dies is replaced by
 * one on the same virtual time, and SIGTERM stops them all.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildServer, removeBuild, sleep } from "../helpers/server-build.js";
import { SERVER_CUSTOMER, ServerProcess } from "../helpers/server-process.js";

const SECRET = { "flinks-auth-key": SERVER_CUSTOMER.secretKey };
const API_KEY = { "x-api-key": SERVER_CUSTOMER.apiKey };
const GREATDAY = { Institution: "FlinksCapital", Username: "Greatday", Password: "Everyday", MostRecentCached: false, Save: true };
const ANSWERS: Readonly<Record<string, string>> = {
  "What city were you born in?": "Montreal",
  "What is the best country on earth?": "Canada",
  "What shape do people like most?": "Triangle",
};
/** Requests sent at most until both workers have answered one (onBothWorkers). */
const MAX_SENDS = 20;
/** Bound on a worker's start (the first creates the store). */
const START_BOUND_MS = 30_000;

interface Reply {
  status: number;
  // biome-ignore lint/suspicious/noExplicitAny: Flinks JSON bodies, checked field by field
  body: any;
  text: string;
}

let main: string;
let server: ServerProcess;
const dataDir = mkdtempSync(join(tmpdir(), "bankgate-workers-"));

beforeAll(async () => {
  main = await buildServer("workers", 170_000);
  server = await startTwoWorkers();
}, 220_000);
afterAll(async () => {
  await server?.kill();
  if (main) removeBuild(main);
  rmSync(dataDir, { recursive: true, force: true });
});

/** One request on a connection of its own (no keep-alive), so consecutive requests reach the workers in turn. */
function call(method: string, path: string, headers: Record<string, string> = {}, body?: unknown): Promise<Reply> {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(
      `${server.base}${path}`,
      { method, agent: false, headers: { ...headers, ...(payload ? { "content-type": "application/json" } : {}) }, timeout: 10_000 },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString();
          let parsed: unknown = null;
          try {
            parsed = JSON.parse(text);
          } catch {
            // /metrics is text
          }
          resolve({ status: res.statusCode ?? 0, body: parsed, text });
        });
      },
    );
    req.on("timeout", () => req.destroy(new Error(`${method} ${path} timed out`)));
    req.on("error", reject);
    req.end(payload);
  });
}

const bank = (operation: string, body: unknown, headers: Record<string, string>) =>
  call("POST", `/v3/${SERVER_CUSTOMER.customerId}/BankingServices/${operation}`, headers, body);
const clockPath = `/sandbox/v1/${SERVER_CUSTOMER.customerId}/clock`;

/** The server with two workers, once both serve. */
async function startTwoWorkers(): Promise<ServerProcess> {
  server = await ServerProcess.start({
    main,
    dataDir,
    // info: every request's log line names the pid of the worker that answered it.
    env: { BANKGATE_WORKERS: "2", BANKGATE_SANDBOX_CONTROL: "on", LOG_LEVEL: "info" },
    startTimeoutMs: START_BOUND_MS,
  });
  // /health answers once the first worker listens; the primary starts the second one then.
  await logged("all workers serving");
  return server;
}

/** Waits (bounded) for a log line of the primary. */
async function logged(message: string): Promise<void> {
  const deadline = Date.now() + START_BOUND_MS;
  while (!server.stream("stdout").includes(`"msg":"${message}"`)) {
    if (Date.now() > deadline) throw new Error(`no "${message}" within ${START_BOUND_MS} ms:\n${server.output()}`);
    await sleep(50);
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The primary's children: its worker processes. */
function workerPids(): number[] {
  const pid = server.child.pid as number;
  return readdirSync(`/proc/${pid}/task`).flatMap((tid) =>
    readFileSync(`/proc/${pid}/task/${tid}/children`, "utf8").split(" ").filter(Boolean).map(Number),
  );
}

/** The request log lines of `path` so far (pino's lines name the process that answered). */
function answersTo(path: string): number[] {
  const lines = server
    .stream("stdout")
    .split("\n")
    .filter((line) => line.includes(`"path":"${path}"`));
  return lines.map((line) => JSON.parse(line).pid as number);
}

/**
 * Sends `send` again and again, each on a fresh connection, until both workers have answered
 * it (at most MAX_SENDS times), and returns every reply with the pids that answered. The
 * primary hands connections to the workers in turn, but a worker busy with an aggregation
 * acknowledges late and is skipped: how many sends reach both is not fixed.
 */
async function onBothWorkers(path: string, send: () => Promise<Reply>): Promise<{ replies: Reply[]; pids: Set<number> }> {
  const before = answersTo(path).length;
  const answeredSince = () => new Set(answersTo(path).slice(before));
  const replies: Reply[] = [];
  while (replies.length < MAX_SENDS && answeredSince().size < 2) replies.push(await send());
  return { replies, pids: answeredSince() };
}

describe("two worker processes behind one port", () => {
  it("runs two workers, both serving the steps of logins (a challenge and its answer may land on either)", async () => {
    expect(workerPids()).toHaveLength(2);
    const banner = server.stream("stderr");
    expect(banner.match(/bankgate is listening/g), banner).toHaveLength(1);
    expect(banner).toContain("(store: sqlite; 2 worker processes)");
    expect(banner).toContain("simulators off (BANKGATE_SIMULATORS; one worker process only)");
    // Each login's challenge and answer are two connections: over the logins, both workers serve steps.
    const { replies, pids } = await onBothWorkers(`/v3/${SERVER_CUSTOMER.customerId}/BankingServices/Authorize`, connectGreatday);
    expect(pids).toEqual(new Set(workerPids()));
    const detail = await bank("GetAccountsDetail", { RequestId: replies.at(-1)?.body.RequestId }, API_KEY);
    expect(detail.status, detail.text).toBe(200);
    expect(detail.body.Accounts.length).toBeGreaterThan(0);
  });

  it("moves virtual time on every worker before answering: a RequestId idle past its TTL is expired on both", async () => {
    const token = (await bank("GenerateAuthorizeToken", undefined, SECRET)).body.Token as string;
    const LoginId: string = (await connectGreatday()).body.Login.Id;
    const cached = await bank("Authorize", { LoginId, MostRecentCached: true }, { "flinks-auth-key": token });
    expect(cached.status, cached.text).toBe(200);

    const advanced = await call("POST", `${clockPath}/advance`, SECRET, { seconds: 600 });
    expect(advanced.status, advanced.text).toBe(200);
    expect(advanced.body.offsetSeconds).toBeGreaterThanOrEqual(600);
    // Calls straight after the answer, until both workers have answered: each already past the 480 s idle TTL.
    const expired = await onBothWorkers(`/v3/${SERVER_CUSTOMER.customerId}/BankingServices/GetAccountsDetail`, () =>
      bank("GetAccountsDetail", { RequestId: cached.body.RequestId }, API_KEY),
    );
    expect(expired.pids).toEqual(new Set(workerPids()));
    expect(expired.replies.map((reply) => reply.body.FlinksCode)).toEqual(expired.replies.map(() => "SESSION_EXPIRED"));

    const frozen = await call("POST", `${clockPath}/freeze`, SECRET);
    const reads = await onBothWorkers(clockPath, () => call("GET", clockPath, SECRET));
    expect(reads.pids).toEqual(new Set(workerPids()));
    expect(reads.replies.map((read) => read.body)).toEqual(
      reads.replies.map(() => ({ ...frozen.body, offsetSeconds: expect.any(Number) })),
    );
  });

  it("serves /metrics for every worker at once", async () => {
    const before = clockReadCount(await call("GET", "/metrics"));
    for (let i = 0; i < 6; i++) expect((await call("GET", clockPath, SECRET)).status).toBe(200);
    expect(clockReadCount(await call("GET", "/metrics")) - before).toBe(6);
  });

  it("replaces a worker that dies with one on the same virtual time", async () => {
    const [victim, survivor] = workerPids();
    const frozenAt = (await call("GET", clockPath, SECRET)).body.now as string;
    process.kill(victim as number, "SIGKILL");
    await logged("replacement worker serving");
    const replaced = workerPids();
    expect(replaced).toContain(survivor);
    expect(replaced).toHaveLength(2);
    const reads = await onBothWorkers(clockPath, () => call("GET", clockPath, SECRET));
    expect(reads.pids).toEqual(new Set(replaced));
    expect(reads.replies.map((read) => read.body.now)).toEqual(reads.replies.map(() => frozenAt));
  });

  it("stops every worker on SIGTERM and exits 0", async () => {
    const workers = workerPids();
    expect(await server.stop(15_000)).toEqual({ code: 0, signal: null });
    for (const pid of workers) expect(isRunning(pid)).toBe(false);
  });

  it("stops its workers when the primary is killed (the port was the primary's)", async () => {
    server = await startTwoWorkers();
    const workers = workerPids();
    expect(workers).toHaveLength(2);
    await server.kill();
    const deadline = Date.now() + START_BOUND_MS;
    while (workers.some(isRunning) && Date.now() < deadline) await sleep(50);
    expect(workers.filter(isRunning)).toEqual([]);
  });
});

/** Greatday logs in (203) and answers its question (200); with fresh connections, the two go to different workers. */
async function connectGreatday(): Promise<Reply> {
  const token = (await bank("GenerateAuthorizeToken", undefined, SECRET)).body.Token as string;
  const challenge = await bank("Authorize", GREATDAY, { "flinks-auth-key": token });
  expect(challenge.status, challenge.text).toBe(203);
  const prompt: string = challenge.body.SecurityChallenges[0].Prompt;
  const answered = await bank(
    "Authorize",
    { RequestId: challenge.body.RequestId, SecurityResponses: { [prompt]: [ANSWERS[prompt]] } },
    { "flinks-auth-key": token },
  );
  expect(answered.status, answered.text).toBe(200);
  return answered;
}

/** bankgate_http_requests_total of the clock's reads in a /metrics answer (every worker's, summed by the primary). */
function clockReadCount(metrics: Reply): number {
  expect(metrics.status, metrics.text).toBe(200);
  const series = 'bankgate_http_requests_total{method="GET",route="/sandbox/v1/:customerId/clock",status="200"}';
  const line = metrics.text.split("\n").find((l) => l.startsWith(series));
  return line ? Number(line.split(" ").at(-1)) : 0;
}

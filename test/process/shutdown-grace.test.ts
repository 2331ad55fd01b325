/**
 * SIGTERM with a bank call that never ends (docs/decisions.md, "Shutdown"): the compiled
 * server waits BANKGATE_SHUTDOWN_GRACE_SECONDS for the work in flight, then abandons it the way
 * a crash would and exits 0; the restarted server resumes the session at once (a login with
 * RETRY_LATER, an answer at its challenge), never 409 SESSION_BUSY. The connector timeout and
 * job claims are 10 minutes: without the grace the stop would wait for them.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { buildServer, removeBuild, sleep } from "../helpers/server-build.js";
import { SERVER_CUSTOMER, ServerProcess } from "../helpers/server-process.js";

const ENV = {
  BANKGATE_CONNECTOR_TIMEOUT_SECONDS: "600",
  BANKGATE_JOB_CLAIM_SECONDS: "600",
  BANKGATE_SHUTDOWN_GRACE_SECONDS: "1",
  // The control plane (virtual clock, scripts) is on by name: the test moves the bank's time.
  BANKGATE_SANDBOX_CONTROL: "on",
};
const SECRET = { "flinks-auth-key": SERVER_CUSTOMER.secretKey };
const API_KEY = { "x-api-key": SERVER_CUSTOMER.apiKey };
/** A user whose bank takes 300 virtual seconds per step: its answer hangs until the test moves time. */
const SLOW_ANSWER = {
  name: "slow_answer",
  latencySeconds: 300,
  steps: [{ challenges: [{ type: "QuestionAndAnswer", prompt: "What is your pet's name?", answers: ["Rex"] }] }],
};
const EXIT_BOUND_MS = 15_000;

interface Reply {
  status: number;
  // biome-ignore lint/suspicious/noExplicitAny: Flinks JSON bodies, checked field by field
  body: any;
}

let main: string;
beforeAll(async () => {
  main = await buildServer("shutdown-grace", 170_000);
}, 180_000);
afterAll(() => {
  if (main) removeBuild(main);
});

describe("SIGTERM with a bank call in flight (shutdown grace)", () => {
  const dataDir = mkdtempSync(join(tmpdir(), "bankgate-grace-"));
  let server: ServerProcess | null = null;
  afterEach(async () => {
    await server?.kill();
  });
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  const start = async () => {
    server = await ServerProcess.start({ main, dataDir, env: ENV });
    return server;
  };
  const url = (path: string) => `${server?.base}${path}`;
  const bank = (operation: string) => url(`/v3/${SERVER_CUSTOMER.customerId}/BankingServices/${operation}`);
  const sandbox = (path: string) => url(`/sandbox/v1/${SERVER_CUSTOMER.customerId}${path}`);

  async function call(method: string, target: string, headers: Record<string, string>, body?: unknown): Promise<Reply> {
    const response = await fetch(target, {
      method,
      headers: body === undefined ? headers : { ...headers, "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(10_000),
    });
    return { status: response.status, body: await response.json() };
  }

  async function token(): Promise<Record<string, string>> {
    const reply = await call("POST", bank("GenerateAuthorizeToken"), SECRET);
    return { "flinks-auth-key": reply.body.Token };
  }

  /** Polls the control plane's session list until the newest session is in `state`; returns its RequestId. */
  async function newestSessionIn(state: string): Promise<string> {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const { body } = await call("GET", sandbox("/sessions?limit=1"), SECRET);
      const [newest] = body.sessions ?? [];
      if (newest?.state === state) return newest.requestId;
      if (Date.now() > deadline) throw new Error(`no session in state ${state}: ${JSON.stringify(body)}`);
      await sleep(50);
    }
  }

  /** SIGTERM; the process must exit 0 by itself after the grace, and the request in flight dies with it. */
  async function stopWithRequestInFlight(inFlight: Promise<unknown>): Promise<void> {
    const outcome = inFlight.then(
      () => "answered",
      () => "died",
    );
    const running = server as ServerProcess;
    running.child.kill("SIGTERM");
    expect(await running.waitForExit(EXIT_BOUND_MS), running.output()).toEqual({ code: 0, signal: null });
    expect(await outcome).toBe("died");
  }

  it("a login at a bank that never answers: exit 0 after the grace; after the restart the RequestId answers RETRY_LATER at once", async () => {
    await start();
    const login = { Institution: "FlinksCapital", Username: "test_hanging", Password: "Everyday", MostRecentCached: false };
    const inFlight = call("POST", bank("Authorize"), await token(), login);
    const requestId = await newestSessionIn("connecting");
    await stopWithRequestInFlight(inFlight);

    await start();
    const resumed = await call("POST", bank("Authorize"), API_KEY, { RequestId: requestId });
    expect(resumed.status, JSON.stringify(resumed.body)).toBe(401);
    expect(resumed.body).toMatchObject({ FlinksCode: "RETRY_LATER", RequestId: requestId });
  });

  it("an answer at a bank that never answers: exit 0 after the grace; after the restart the RequestId answers its challenge at once", async () => {
    await start();
    expect((await call("PUT", sandbox(`/scripts/${SLOW_ANSWER.name}`), SECRET, SLOW_ANSWER)).status).toBe(200);
    const auth = await token();
    const login = { Institution: "FlinksCapital", Username: SLOW_ANSWER.name, Password: "Everyday", MostRecentCached: false };
    const loggingIn = call("POST", bank("Authorize"), auth, login);
    await newestSessionIn("connecting");
    await call("POST", sandbox("/clock/advance"), SECRET, { seconds: 300 });
    const challenge = await loggingIn;
    expect(challenge.status, JSON.stringify(challenge.body)).toBe(203);
    const requestId: string = challenge.body.RequestId;

    const answering = call("POST", bank("Authorize"), auth, {
      RequestId: requestId,
      SecurityResponses: { "What is your pet's name?": ["Rex"] },
    });
    await newestSessionIn("answering");
    await stopWithRequestInFlight(answering);

    await start();
    const resumed = await call("POST", bank("Authorize"), auth, { RequestId: requestId });
    expect(resumed.status, JSON.stringify(resumed.body)).toBe(203);
    expect(resumed.body.SecurityChallenges).toEqual(challenge.body.SecurityChallenges);
  });
});

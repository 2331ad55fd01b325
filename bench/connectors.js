// What a connection through a real protocol costs (docs/performance.md, "Connectors"): a whole
// connection — login, MFA when the bank asks, the answer, the accounts — through the SimpleFIN
// and OFX connectors against bankgate's own protocol simulators, beside the same connection to
// the sandbox bank FlinksCapital as the baseline, in one run.
//
//   npm run build && node bench/connectors.js
//
// Environment (all optional):
//   CONNECTOR_ROUNDS     connections per institution (default 30)
//   CONNECTOR_NODE_ARGS  extra node flags for the server (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof")
//
// The compiled server (`node dist/main.js`, embedded SQLite in a temporary data dir, fixed keys,
// BANKGATE_SIMULATORS=on) serves the simulators on its own port, so their CPU time is counted
// in the server's: the figures are bankgate's connector plus a protocol peer, an upper bound
// for bankgate's share. Institutions take turns connection by connection (no one of them gets
// a quieter stretch of the machine). Per institution it prints the wall time of a connection
// (p50/p90/max), the server's mean CPU time per connection, the HTTP calls it took, and each as a
// ratio to FlinksCapital's. Bounded: CONNECTOR_ROUNDS connections each; every request times out
// after 30 s; data polls stop after 200; the server is killed and the data dir removed at the end.
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { BENCH_CUSTOMER, BENCH_CUSTOMER_ENV, benchTempDir, cpuSeconds, positiveNumber, startBankgate, stopChild } from "./harness.js";
import { jsonClient, percentile } from "./json-client.js";

const ROUNDS = positiveNumber("CONNECTOR_ROUNDS", 30);
const MAX_DATA_POLLS = 200;
const DATA_POLL_MS = 5;
const { customerId: CUSTOMER_ID, secretKey: SECRET_KEY, apiKey: API_KEY } = BENCH_CUSTOMER;
const base = `/v3/${CUSTOMER_ID}/BankingServices`;
const ANSWERS = {
  "What city were you born in?": "Montreal",
  "What is the best country on earth?": "Canada",
  "What shape do people like most?": "Triangle",
};

const dataDir = benchTempDir("bankgate-connectors-");
process.once("SIGINT", () => process.exit(130));

const { child, port } = await startBankgate(
  join(dataDir, "data"),
  {
    ...BENCH_CUSTOMER_ENV,
    BANKGATE_SIMULATORS: "on",
    LOG_LEVEL: "warn",
  },
  { nodeArgs: (process.env.CONNECTOR_NODE_ARGS ?? "").split(" ").filter(Boolean) },
);
const { call, close: closeClient } = jsonClient({ maxSockets: 8 });
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** One call that must answer one of `expected`; counts itself in `flow.calls`. */
async function expectCall(flow, method, path, headers, body, expected) {
  flow.calls++;
  const response = await call(port, method, path, headers, body);
  if (!expected.includes(response.status)) {
    throw new Error(`${method} ${path.replace(base, "")}: ${response.status} ${response.body?.FlinksCode ?? response.text.slice(0, 200)}`);
  }
  return response;
}

/** Login (answering every 203 round), then the accounts (polling the 202s): the whole connection. */
async function connect(flow, loginBody) {
  const auth = {
    "flinks-auth-key": (
      await expectCall(flow, "POST", `${base}/GenerateAuthorizeToken`, { "flinks-auth-key": SECRET_KEY }, undefined, [200])
    ).body.Token,
  };
  let answer = await expectCall(flow, "POST", `${base}/Authorize`, auth, { ...loginBody, MostRecentCached: false, Save: true }, [200, 203]);
  for (let round = 0; answer.status === 203; round++) {
    if (round === 5) throw new Error("more than 5 MFA rounds");
    const responses = Object.fromEntries(answer.body.SecurityChallenges.map(({ Prompt }) => [Prompt, [ANSWERS[Prompt] ?? "Montreal"]]));
    answer = await expectCall(
      flow,
      "POST",
      `${base}/Authorize`,
      auth,
      { RequestId: answer.body.RequestId, SecurityResponses: responses },
      [200, 203],
    );
  }
  const detail = { RequestId: answer.body.RequestId };
  for (let poll = 0; poll < MAX_DATA_POLLS; poll++) {
    const accounts = await expectCall(flow, "POST", `${base}/GetAccountsDetail`, { "x-api-key": API_KEY }, detail, [200, 202]);
    if (accounts.status === 200) return accounts.body.Accounts.length;
    await sleep(DATA_POLL_MS);
  }
  throw new Error(`no accounts after ${MAX_DATA_POLLS} polls`);
}

const institutions = [
  {
    name: "FlinksCapital (sandbox bank, baseline)",
    login: async (i) => ({ Institution: "FlinksCapital", Username: `Greatday+b${i}`, Password: "Everyday" }),
  },
  {
    name: "SimpleFIN (simulated Bridge)",
    login: async (i) => {
      // A new setup token from the simulator for each connection: a token is claimed once.
      const created = await call(port, "POST", `/sim/simplefin/create?user=bench-${i}&scenario=ok`);
      if (created.status !== 200) throw new Error(`simulator token: ${created.status}`);
      return { Institution: "SimpleFINSandbox", Username: `bench ${i}`, Password: created.text.trim() };
    },
  },
  {
    name: "OFX Direct Connect (simulated bank)",
    login: async (i) => ({ Institution: "OFXCreditUnion", Username: `Greatday+b${i}`, Password: "Everyday" }),
  },
].map((institution) => ({ ...institution, wallMs: [], cpuMs: [], calls: 0, accounts: 0, failures: new Map() }));

for (let i = 0; i < ROUNDS; i++) {
  for (const institution of institutions) {
    const flow = { calls: 0 };
    try {
      const body = await institution.login(i);
      const cpuBefore = cpuSeconds(child.pid);
      const started = performance.now();
      institution.accounts = await connect(flow, body);
      institution.wallMs.push(performance.now() - started);
      const cpuAfter = cpuSeconds(child.pid);
      if (cpuBefore !== null && cpuAfter !== null) institution.cpuMs.push((cpuAfter - cpuBefore) * 1000);
      institution.calls = flow.calls;
    } catch (error) {
      institution.failures.set(error.message, (institution.failures.get(error.message) ?? 0) + 1);
    }
  }
}
closeClient();
await stopChild(child, 5_000);

// CPU time is read in 10 ms ticks: the mean over all connections, not a median of ticks.
const mean = (values) => (values.length === 0 ? Number.NaN : values.reduce((sum, value) => sum + value, 0) / values.length);
const median = (values) =>
  percentile(
    [...values].sort((a, b) => a - b),
    50,
  );
const [baseline] = institutions;
const ratio = (value, baseValue) => (Number.isFinite(value) && baseValue > 0 ? `${(value / baseValue).toFixed(2)}×` : "-");
const lines = [
  `${ROUNDS} connections per institution, taking turns; server CPU includes the simulators (same process).`,
  "institution                                done  calls  accounts  wall p50 / p90 / max ms   ratio p50  CPU ms/conn (mean)  ratio",
];
for (const institution of institutions) {
  const sorted = [...institution.wallMs].sort((a, b) => a - b);
  const wall = [50, 90, 100].map((p) => percentile(sorted, p).toFixed(1)).join(" / ");
  const cpu = mean(institution.cpuMs);
  lines.push(
    `${institution.name.padEnd(42)} ${String(sorted.length).padStart(4)} ${String(institution.calls).padStart(6)} ${String(institution.accounts).padStart(9)}  ${wall.padStart(22)}   ${ratio(percentile(sorted, 50), median(baseline.wallMs)).padStart(8)}  ${cpu.toFixed(1).padStart(18)}  ${ratio(cpu, mean(baseline.cpuMs)).padStart(6)}`,
  );
  for (const [message, count] of institution.failures) lines.push(`    failed ${count}×: ${message}`);
}
process.stdout.write(`${lines.join("\n")}\n`);
if (institutions.some((institution) => institution.failures.size > 0)) process.exitCode = 1;

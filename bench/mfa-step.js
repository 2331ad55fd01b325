// A live MFA step's server-added time (issue 13, item 3: p95 ≤ 2 ms): what bankgate adds to a
// login step and an answer step besides the connector's own time.
//
//   npm run build && node bench/mfa-step.js
//
// In-process on the compiled code: the app (createDeps + buildApp over embedded SQLite in a
// temporary data dir) answers through Fastify's inject (routing, hooks, validation,
// serialisation; no socket), so the figure is the server's handling and not a load
// generator's. Every institution is wrapped so the time spent inside its start/answer calls is
// measured there; requests run one at a time, so each request's connector time is exactly
// what was measured during it, and server-added = request time − connector time.
// Each round: GenerateAuthorizeToken, a live /Authorize of "Greatday+m<N>" (→ 203, a
// question: the `start` step) and the right answer (→ 200: the `answer` step). No job runner:
// aggregation jobs stay queued and do not run beside the measured requests.
// Settings: BENCH_MFA_ROUNDS (default 400), BENCH_MFA_WARMUP (default 100 rounds, not counted).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { buildApp } from "../dist/app.js";
import { loadConfig } from "../dist/config/config.js";
import { ConnectorRegistry } from "../dist/connectors/registry.js";
import { createDeps } from "../dist/deps.js";
import { newRandomId } from "../dist/lib/ids.js";
import { positiveNumber } from "./harness.js";
import { percentile } from "./json-client.js";

const ROUNDS = positiveNumber("BENCH_MFA_ROUNDS", 400);
const WARMUP = positiveNumber("BENCH_MFA_WARMUP", 100);
const ANSWERS = {
  "What city were you born in?": "Montreal",
  "What is the best country on earth?": "Canada",
  "What shape do people like most?": "Triangle",
};

/** The same connectors, their start/answer calls timed into `meter.connectorMs`. */
function timed(registry, meter) {
  return new ConnectorRegistry(
    registry.list().map(
      (connector) =>
        new Proxy(connector, {
          get(target, property) {
            const value = Reflect.get(target, property, target);
            if (typeof value !== "function") return value;
            if (property !== "start" && property !== "answer") return value.bind(target);
            return async (...args) => {
              const started = performance.now();
              try {
                return await value.apply(target, args);
              } finally {
                meter.connectorMs += performance.now() - started;
              }
            };
          },
        }),
    ),
  );
}

async function main() {
  const dataDir = mkdtempSync(join(tmpdir(), "bankgate-bench-mfa-"));
  const customerId = newRandomId();
  const secretKey = `secret-${customerId}`;
  const config = loadConfig({
    BANKGATE_DATA_DIR: dataDir,
    BANKGATE_MASTER_KEYS: `bench:${Buffer.alloc(32, 4).toString("base64")}`,
    BANKGATE_CUSTOMER_ID: customerId,
    BANKGATE_SECRET_KEY: secretKey,
    BANKGATE_API_KEY: `key-${customerId}`,
    BANKGATE_AUTH_MODE: "token",
    LOG_LEVEL: "silent",
  });
  // The catalogue's own connectors, built once, then wrapped for the measured app.
  const probe = await createDeps(config, {});
  const institutions = probe.api.connectors;
  await probe.close();
  const meter = { connectorMs: 0 };
  const deps = await createDeps(config, { connectors: timed(institutions, meter) });
  const app = await buildApp(deps, { logger: false });
  const path = (operation) => `/v3/${customerId}/BankingServices/${operation}`;
  /** One request, with the connector time spent during it. */
  const step = async (operation, body, headers) => {
    meter.connectorMs = 0;
    const started = performance.now();
    const response = await app.inject({ method: "POST", url: path(operation), payload: body, headers });
    return { response, totalMs: performance.now() - started, connectorMs: meter.connectorMs };
  };
  const samples = { start: [], answer: [] };
  try {
    for (let round = 0; round < WARMUP + ROUNDS; round++) {
      const token = (await step("GenerateAuthorizeToken", undefined, { "flinks-auth-key": secretKey })).response.json().Token;
      const login = { Institution: "FlinksCapital", Username: `Greatday+m${round}`, Password: "Everyday", MostRecentCached: false };
      const started = await step("Authorize", login, { "flinks-auth-key": token });
      if (started.response.statusCode !== 203) throw new Error(`login answered ${started.response.statusCode}: ${started.response.body}`);
      const challenge = started.response.json();
      const prompt = challenge.SecurityChallenges[0].Prompt;
      const answered = await step(
        "Authorize",
        { RequestId: challenge.RequestId, SecurityResponses: { [prompt]: [ANSWERS[prompt]] } },
        { "flinks-auth-key": token },
      );
      if (answered.response.statusCode !== 200)
        throw new Error(`answer answered ${answered.response.statusCode}: ${answered.response.body}`);
      if (round < WARMUP) continue;
      samples.start.push(started);
      samples.answer.push(answered);
    }
  } finally {
    await app.close();
    await deps.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
  console.log(`${ROUNDS} rounds after ${WARMUP} unmeasured, one request at a time, ms:`);
  console.log("step      server-added p50   p95    p99   | request p50  p95   | connector p50  p95");
  for (const [name, list] of Object.entries(samples)) {
    const added = list.map((s) => s.totalMs - s.connectorMs).sort((a, b) => a - b);
    const total = list.map((s) => s.totalMs).sort((a, b) => a - b);
    const connector = list.map((s) => s.connectorMs).sort((a, b) => a - b);
    const f = (v) => v.toFixed(2).padStart(6);
    console.log(
      `${name.padEnd(8)}  ${f(percentile(added, 50))}      ${f(percentile(added, 95))} ${f(percentile(added, 99))} | ${f(percentile(total, 50))} ${f(percentile(total, 95))} | ${f(percentile(connector, 50))} ${f(percentile(connector, 95))}`,
    );
  }
  process.exit(0);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});

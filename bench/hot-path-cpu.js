// Server CPU per request of the hot routes, in-process (Fastify's inject, no sockets), for this
// build and, alternated with it in the same run, a baseline build: robust where req/s is not,
// on a machine shared with other work. Each round runs in a child process of its own on a new
// store; the store grows through the round, as in the bench (docs/performance.md).
// Prints µs of CPU per request per build and round, then the median ratio; asserts nothing.
//
//   node bench/hot-path-cpu.js                          (this build only)
//   BENCH_BASELINE=/path/to/other/checkout node bench/hot-path-cpu.js
//   options: BENCH_REQUESTS (20000), BENCH_ROUNDS (3), BENCH_IN_FLIGHT (20),
//            BENCH_ROUTES (authorize,accounts), DATABASE_URL (a PostgreSQL to run on instead of
//            SQLite: every round of both builds shares its database, which grows; its own CPU is not counted)
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { BENCH_CUSTOMER, BENCH_CUSTOMER_ENV, benchTempDir, positiveNumber, ROOT } from "./harness.js";

const REQUESTS = positiveNumber("BENCH_REQUESTS", 20_000);
const ROUNDS = positiveNumber("BENCH_ROUNDS", 3);
const IN_FLIGHT = positiveNumber("BENCH_IN_FLIGHT", 20);
const ROUTES = (process.env.BENCH_ROUTES ?? "authorize,accounts").split(",");

if (process.argv[2] === "--round") {
  await measureRound(process.argv[3], process.argv[4]);
} else {
  await compare();
}

async function compare() {
  const builds = [["this", ROOT], ...(process.env.BENCH_BASELINE ? [["baseline", process.env.BENCH_BASELINE]] : [])];
  console.log(`hot-path CPU per request, in-process, ${REQUESTS} requests per round, ${IN_FLIGHT} in flight`);
  for (const route of ROUTES) {
    const cpu = Object.fromEntries(builds.map(([name]) => [name, []]));
    for (let round = 0; round < ROUNDS; round++) {
      for (const [name, root] of round % 2 === 0 ? builds : [...builds].reverse()) {
        const child = spawnSync(process.execPath, [fileURLToPath(import.meta.url), "--round", root, route], {
          encoding: "utf8",
          timeout: 300_000,
        });
        const line = child.stdout.trim().split("\n").at(-1) ?? "";
        if (child.status !== 0 || !/^\d+$/.test(line)) throw new Error(`${name} ${route} round failed: ${child.stderr.slice(-2000)}`);
        cpu[name].push(Number(line));
      }
    }
    for (const [name] of builds) console.log(`  ${route.padEnd(10)} ${name.padEnd(8)} ${cpu[name].map((v) => `${v} µs`).join(", ")}`);
    if (builds.length === 2) {
      const ratios = cpu.this.map((v, i) => v / cpu.baseline[i]).sort((a, b) => a - b);
      console.log(
        `  ${route.padEnd(10)} this / baseline ${ratios[Math.floor(ratios.length / 2)].toFixed(2)}× CPU per request (median of rounds)`,
      );
    }
  }
}

/** One round in this process: a server of `root`'s build on a new store, `REQUESTS` calls of `route`; prints µs CPU/request. */
async function measureRound(root, route) {
  const load = (path) => import(pathToFileURL(join(root, "dist", path)).href);
  const { loadConfig } = await load("config/config.js");
  const { createDeps } = await load("deps.js");
  const { buildApp } = await load("app.js");
  const config = loadConfig({
    HOST: "127.0.0.1",
    PORT: "0",
    LOG_LEVEL: "silent",
    BANKGATE_DATA_DIR: benchTempDir("hot-path"),
    ...BENCH_CUSTOMER_ENV,
    ...(process.env.DATABASE_URL ? { DATABASE_URL: process.env.DATABASE_URL } : {}),
  });
  const deps = await createDeps(config);
  const app = await buildApp(deps, { logger: false });
  deps.runner.start(); // the first login's aggregation, as the server runs it
  const base = `/v3/${BENCH_CUSTOMER.customerId}/BankingServices`;
  /** The answer, checked for a 200 and not parsed: parsing a 22 KB body here was a third of the CPU measured. */
  const send = async (path, headers, payload) => {
    const reply = await app.inject({ method: "POST", url: `${base}/${path}`, headers, payload });
    if (reply.statusCode !== 200) throw new Error(`${path} answered ${reply.statusCode}: ${reply.body.slice(0, 300)}`);
    return reply;
  };
  const post = async (path, headers, payload) => (await send(path, headers, payload)).json();
  const { Token } = await post("GenerateAuthorizeToken", { "flinks-auth-key": BENCH_CUSTOMER.secretKey });
  const live = await post(
    "Authorize",
    { "flinks-auth-key": Token },
    { Institution: "FlinksCapital", Username: "greatday_nomfa", Password: "Everyday", MostRecentCached: false, Save: true },
  );
  const apiKey = { "x-api-key": BENCH_CUSTOMER.apiKey };
  // The data call waits for the aggregation (up to the sync wait), then every call reads the snapshot
  // through a cached Authorize's RequestId, as bench/run.js does.
  await post("GetAccountsDetail", apiKey, { RequestId: live.RequestId });
  const cached = await post("Authorize", apiKey, { LoginId: live.Login.Id, MostRecentCached: true });
  const call =
    route === "authorize"
      ? () => send("Authorize", apiKey, { LoginId: live.Login.Id, MostRecentCached: true })
      : () =>
          send("GetAccountsDetail", apiKey, {
            RequestId: cached.RequestId,
            DaysOfTransactions: route === "accounts365" ? "Days365" : "Days90",
          });
  for (let i = 0; i < 50; i++) await call(); // first calls compile the validators and fill the caches
  const before = process.cpuUsage();
  for (let sent = 0; sent < REQUESTS; sent += IN_FLIGHT) await Promise.all(Array.from({ length: IN_FLIGHT }, call));
  const used = process.cpuUsage(before);
  console.log(Math.round((used.user + used.system) / REQUESTS));
  await app.close();
  await deps.close();
  process.exit(0);
}

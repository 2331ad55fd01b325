// Cold start of one or more builds, alternated: spawn `node <main>` on a data dir that does not
// exist yet, with no keys configured (a fresh clone's `npm start`), poll GET /health every 2 ms and
// record, at the first 200, the wall time since the spawn and the server's CPU time so far
// (user + system from /proc/<pid>/stat, all threads). CPU time is what to compare while other
// engineers load the machine; wall time is what the goal names (docs/performance.md, "Cold start").
//
//   npm run build && node bench/cold-start.js [main.js …]     (default: dist/bundle/main.js)
//
// Environment (all optional):
//   COLD_RUNS     starts of each build (default 9)
//   COLD_REUSE    "1": every start after a build's first reuses that build's data dir (a later
//                 start of the same installation: keys, store and caches already there)
//   COLD_NODE_ARGS  extra node flags, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof"
//
// Prints each run and the medians, with the 1-min load average before every run. Every child is
// stopped after its first 200 (killed when this process exits, at the latest); every wait is bounded.
import { existsSync } from "node:fs";
import { request as httpRequest } from "node:http";
import { loadavg } from "node:os";
import { isAbsolute, join } from "node:path";
import { performance } from "node:perf_hooks";
import { benchTempDir, cpuSeconds, freePort, HOST, positiveNumber, ROOT, STARTUP_TIMEOUT_MS, spawnNode, stopChild } from "./harness.js";

const RUNS = positiveNumber("COLD_RUNS", 9);
const REUSE = process.env.COLD_REUSE === "1";
const NODE_ARGS = (process.env.COLD_NODE_ARGS || "").split(" ").filter(Boolean);
const mains = (process.argv.length > 2 ? process.argv.slice(2) : ["dist/bundle/main.js"]).map((main) =>
  isAbsolute(main) ? main : join(ROOT, main),
);

/** The environment of a fresh clone: the parent's minus every bankgate setting. */
function freshEnv(port, dataDir) {
  const env = { ...process.env };
  for (const name of Object.keys(env)) {
    if (name.startsWith("BANKGATE_") || ["DATABASE_URL", "PORT", "HOST", "LOG_LEVEL"].includes(name)) delete env[name];
  }
  return { ...env, HOST, PORT: String(port), BANKGATE_DATA_DIR: dataDir };
}

/** One GET /health on a fresh connection: its status, or 0 when nothing answers yet. */
function healthStatus(port) {
  return new Promise((resolve) => {
    const req = httpRequest({ host: HOST, port, path: "/health", method: "GET", agent: false }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode));
    });
    req.on("error", () => resolve(0));
    req.setTimeout(2000, () => req.destroy(new Error("timeout")));
    req.end();
  });
}

/** Spawns `main` and waits for its first 200: { wallMs, cpuMs }. */
async function coldStart(main, dataDir) {
  const port = await freePort();
  const startedAt = performance.now();
  const child = spawnNode([...NODE_ARGS, main], freshEnv(port, dataDir));
  try {
    while (performance.now() - startedAt < STARTUP_TIMEOUT_MS) {
      if (child.exitCode !== null || child.signalCode !== null) throw new Error(`${main} exited before its first 200:\n${child.output}`);
      if ((await healthStatus(port)) === 200) {
        const wallMs = performance.now() - startedAt;
        return { wallMs, cpuMs: (cpuSeconds(child.pid) ?? Number.NaN) * 1000 };
      }
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    throw new Error(`${main} did not answer /health within ${STARTUP_TIMEOUT_MS} ms:\n${child.output}`);
  } finally {
    await stopChild(child);
  }
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
const ms = (n) => `${Math.round(n)}`;

async function main() {
  for (const main of mains) if (!existsSync(main)) throw new Error(`${main} not found: run \`npm run build\` first`);
  process.stdout.write(
    `cold start, node ${process.version}, ${RUNS} runs each, alternated${REUSE ? ", data dir reused after the first" : ""}\n`,
  );
  const results = new Map(mains.map((main) => [main, { wall: [], cpu: [], load: [], dataDir: null }]));
  for (let i = 0; i < RUNS; i++) {
    for (const main of mains) {
      const result = results.get(main);
      if (!REUSE || result.dataDir === null) result.dataDir = join(benchTempDir("bankgate-cold-"), "data"); // does not exist yet
      result.load.push(loadavg()[0]);
      const { wallMs, cpuMs } = await coldStart(main, result.dataDir);
      result.wall.push(wallMs);
      result.cpu.push(cpuMs);
      process.stdout.write(
        `  run ${i + 1} ${main.replace(`${ROOT}/`, "")}: ${ms(wallMs)} ms wall, ${ms(cpuMs)} ms CPU (load ${loadavg()[0].toFixed(2)})\n`,
      );
    }
  }
  for (const [main, { wall, cpu, load }] of results) {
    process.stdout.write(
      `${main.replace(`${ROOT}/`, "")}: median ${ms(median(wall))} ms wall (${ms(Math.min(...wall))}–${ms(Math.max(...wall))}), ` +
        `median ${ms(median(cpu))} ms CPU (${ms(Math.min(...cpu))}–${ms(Math.max(...cpu))}); ` +
        `1-min load average ${Math.min(...load).toFixed(2)}–${Math.max(...load).toFixed(2)}\n`,
    );
  }
}

main().catch((error) => {
  process.stderr.write(`${error.stack ?? error}\n`);
  process.exitCode = 1;
});

// What the benches (bench/run.js, bench/load.js) share: their settings from the environment;
// the compiled server (`node dist/main.js`) as a child process on 127.0.0.1 with a free port,
// started and waited for until GET /health answers 200, and stopped again; and the CPU time it
// and the machine used. Every child spawned here is SIGKILLed when the bench exits, at the
// latest; every wait is bounded.
import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { request as httpRequest } from "node:http";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";

export const HOST = "127.0.0.1";
export const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
export const MAIN = join(ROOT, "dist", "main.js");
/** Bound on the wait for a started child to be ready. */
/** The one customer every bench server is started with: fixed keys, so a bench's calls are constants. */
export const BENCH_CUSTOMER = Object.freeze({
  customerId: "0b5e7c1a-6d2f-4c8e-9a3b-1f2e3d4c5b6a",
  secretKey: "bench-secret-key-0123456789",
  apiKey: "bench-api-key-0123456789",
  masterKeys: `bench:${Buffer.alloc(32, 7).toString("base64")}`,
});

/** Server settings for BENCH_CUSTOMER: spread into startBankgate's `env`. */
export const BENCH_CUSTOMER_ENV = Object.freeze({
  BANKGATE_CUSTOMER_ID: BENCH_CUSTOMER.customerId,
  BANKGATE_SECRET_KEY: BENCH_CUSTOMER.secretKey,
  BANKGATE_API_KEY: BENCH_CUSTOMER.apiKey,
  BANKGATE_MASTER_KEYS: BENCH_CUSTOMER.masterKeys,
});

export const STARTUP_TIMEOUT_MS = 20_000;
/** USER_HZ of /proc/<pid>/stat: 100 on every Linux this runs on. */
const CLOCK_TICKS = 100;

/** The number in environment variable `name`, `fallback` when unset or empty; anything but a positive number throws. */
export function positiveNumber(name, fallback) {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number, got "${raw}"`);
  return value;
}

// ---------------------------------------------------------------- child processes

/** Every child still running; killed when this process exits. */
const children = new Set();

/** SIGKILLs every child still running (the bench exits, or gives up). */
export function killAllNow() {
  for (const child of children) {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  }
}
process.on("exit", killAllNow);

/** Temporary directories of this run, removed when it exits (after the children are killed). */
const tempDirs = new Set();
process.on("exit", () => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

/** A new temporary directory (`prefix` + random), removed when the bench exits, however it exits. */
export function benchTempDir(prefix) {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  tempDirs.add(dir);
  return dir;
}

/**
 * Spawns `node <args>` in the repository root. The child's stdout and stderr are kept in
 * `child.output`: once longer than `maxOutput` characters, cut to the last `trimTo`.
 * `child.exited` resolves with { code, signal }.
 */
export function spawnNode(args, env, options) {
  return spawnProcess(process.execPath, args, env, options);
}

/** spawnNode for any program (the JVM of WireMock): the same output keeping, exit promise and kill at exit. */
export function spawnProcess(command, args, env, { maxOutput = 8192, trimTo = maxOutput } = {}) {
  const child = spawn(command, args, {
    cwd: ROOT,
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.output = "";
  const keep = (chunk) => {
    child.output += chunk.toString();
    if (child.output.length > maxOutput) child.output = child.output.slice(-trimTo);
  };
  child.stdout.on("data", keep);
  child.stderr.on("data", keep);
  child.exited = new Promise((resolve) => child.once("exit", (code, signal) => resolve({ code, signal })));
  children.add(child);
  child.exited.then(() => children.delete(child));
  return child;
}

/** SIGTERM (graceful shutdown), SIGKILL after `killAfterMs`; resolves once the child has exited. */
export async function stopChild(child, killAfterMs = 3000) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), killAfterMs);
  await child.exited;
  clearTimeout(timer);
}

/** Stops every child still running (see stopChild). */
export async function stopAllChildren() {
  await Promise.all([...children].map((child) => stopChild(child)));
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, HOST, () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

/** Environment for bankgate: the parent's, minus any bankgate settings, plus HOST and `extra`. */
function bankgateEnv(extra) {
  const env = { ...process.env };
  for (const name of Object.keys(env)) {
    if (name.startsWith("BANKGATE_") || ["DATABASE_URL", "PORT", "HOST", "LOG_LEVEL"].includes(name)) delete env[name];
  }
  return { ...env, HOST, ...extra };
}

/** One GET /health on a fresh connection; resolves with the status code, rejects on a connection error. */
function getHealth(port) {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: HOST, port, path: "/health", method: "GET", agent: false }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode));
    });
    req.on("error", reject);
    req.setTimeout(2000, () => req.destroy(new Error("timeout")));
    req.end();
  });
}

/** Polls GET /health every `pollMs` until a 200; returns ms since `startedAt`. */
async function waitForHealth(child, port, startedAt, pollMs) {
  const deadline = startedAt + STARTUP_TIMEOUT_MS;
  while (performance.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`bankgate exited (${child.exitCode ?? child.signalCode}) before answering /health:\n${child.output}`);
    }
    try {
      if ((await getHealth(port)) === 200) return performance.now() - startedAt;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
  throw new Error(`bankgate did not answer /health within ${STARTUP_TIMEOUT_MS} ms:\n${child.output}`);
}

/**
 * Starts `node [nodeArgs] <main>` (default dist/main.js) on a free port of 127.0.0.1 with BANKGATE_DATA_DIR
 * `dataDir` and `env` (keys, LOG_LEVEL…) over the parent's environment minus its bankgate
 * settings, and waits for GET /health = 200, polled every `pollMs`. Resolves with the child,
 * its port and base URL, and `startupMs`: spawn → first 200.
 */
export async function startBankgate(dataDir, env = {}, { nodeArgs = [], pollMs = 2, output, main = MAIN } = {}) {
  const port = await freePort();
  const childEnv = bankgateEnv({
    PORT: String(port),
    BANKGATE_DATA_DIR: dataDir,
    ...env,
  });
  const startedAt = performance.now();
  const child = spawnNode([...nodeArgs, main], childEnv, output);
  const startupMs = await waitForHealth(child, port, startedAt, pollMs);
  return { child, port, base: `http://${HOST}:${port}`, startupMs };
}

// ---------------------------------------------------------------- CPU time

/**
 * User + system CPU seconds a process and its live descendants have used so far (Linux /proc),
 * or null elsewhere: bankgate with BANKGATE_WORKERS > 1 serves from its primary's children.
 */
export function cpuSeconds(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const own = (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
    return childPids(pid).reduce((sum, child) => sum + (cpuSeconds(child) ?? 0), own);
  } catch {
    return null;
  }
}

function childPids(pid) {
  return readdirSync(`/proc/${pid}/task`).flatMap((tid) =>
    readFileSync(`/proc/${pid}/task/${tid}/children`, "utf8").split(" ").filter(Boolean).map(Number),
  );
}

/** CPU seconds the whole machine spent busy so far (Linux /proc/stat), or null elsewhere. */
export function machineBusySeconds() {
  try {
    // user nice system idle iowait irq softirq steal: interrupts are left out (loopback traffic lands there).
    const [user, nice, system, , , , , steal] = readFileSync("/proc/stat", "utf8").split("\n")[0].trim().split(/\s+/).slice(1).map(Number);
    return (user + nice + system + steal) / CLOCK_TICKS;
  } catch {
    return null;
  }
}

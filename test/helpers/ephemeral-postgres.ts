/**
 * Throwaway PostgreSQL cluster for tests.
 *
 * startEphemeralPostgres() creates a fresh cluster in a temp directory, starts
 * it on a free port bound only to 127.0.0.1 (unix socket inside the temp dir),
 * creates the `bankgate_test` database and returns its URL. stop() shuts the
 * cluster down (immediate mode) and removes the temp directory.
 *
 * PostgreSQL refuses to run as root, so when this process is root every
 * PostgreSQL binary is run as the `postgres` OS user via runuser, and the temp
 * directory is chowned to that user.
 */
import { execFile as execFileCb } from "node:child_process";
import { constants as fsConstants, rmSync } from "node:fs";
import { access, chown, mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import pg from "pg";
import { freePort } from "./free-port.js";

const execFile = promisify(execFileCb);

const DATABASE_NAME = "bankgate_test";
const SUPERUSER = "postgres";
/** Marker set as `cluster_name`, so tests can tell they talk to this cluster. */
export const EPHEMERAL_CLUSTER_NAME = "bankgate_ephemeral";
const COMMAND_TIMEOUT_MS = 120_000;
const START_ATTEMPTS = 3;

export interface EphemeralPostgres {
  url: string;
  stop(): Promise<void>;
  /** Shuts the server down (fast mode: open connections are terminated) and keeps its data. */
  pause(): Promise<void>;
  /** Starts it again on the same port and data after `pause`. */
  resume(): Promise<void>;
}

interface PgBinaries {
  initdb: string;
  pgCtl: string;
}

interface RunAs {
  /** Prefix the command with `runuser -u postgres --` (we are root). */
  runuser: string | null;
}

async function isExecutable(file: string): Promise<boolean> {
  try {
    await access(file, fsConstants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function compareVersionsDesc(a: string, b: string): number {
  const pa = a.split(".").map((n) => Number.parseInt(n, 10) || 0);
  const pb = b.split(".").map((n) => Number.parseInt(n, 10) || 0);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const diff = (pb[i] ?? 0) - (pa[i] ?? 0);
    if (diff !== 0) return diff;
  }
  return 0;
}

async function findInPath(name: string): Promise<string | null> {
  for (const dir of (process.env.PATH ?? "").split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, name);
    if (await isExecutable(candidate)) return candidate;
  }
  return null;
}

/** Newest /usr/lib/postgresql/<version>/bin first, then PATH. */
async function findPgBinaries(): Promise<PgBinaries | null> {
  const base = "/usr/lib/postgresql";
  let versions: string[] = [];
  try {
    versions = (await readdir(base)).filter((v) => /^\d+(\.\d+)*$/.test(v));
  } catch {
    // not a Debian-style install
  }
  versions.sort(compareVersionsDesc);
  for (const version of versions) {
    const bin = path.join(base, version, "bin");
    const initdb = path.join(bin, "initdb");
    const pgCtl = path.join(bin, "pg_ctl");
    if ((await isExecutable(initdb)) && (await isExecutable(pgCtl))) {
      return { initdb, pgCtl };
    }
  }

  const initdb = await findInPath("initdb");
  if (!initdb) return null;
  // Prefer the pg_ctl next to initdb so both come from the same version.
  const sibling = path.join(path.dirname(initdb), "pg_ctl");
  const pgCtl = (await isExecutable(sibling)) ? sibling : await findInPath("pg_ctl");
  return pgCtl ? { initdb, pgCtl } : null;
}

function describeExecError(err: unknown): string {
  if (err && typeof err === "object") {
    const e = err as { message?: string; stderr?: string; stdout?: string };
    const parts = [e.message ?? String(err)];
    if (e.stderr?.trim()) parts.push(`stderr: ${e.stderr.trim()}`);
    if (e.stdout?.trim() && !e.message?.includes(e.stdout.trim())) {
      parts.push(`stdout: ${e.stdout.trim()}`);
    }
    return parts.join("\n");
  }
  return String(err);
}

/** Run a PostgreSQL binary, as the postgres OS user when we are root. */
async function runPg(runAs: RunAs, file: string, args: string[], cwd: string): Promise<void> {
  const [cmd, cmdArgs] = runAs.runuser ? [runAs.runuser, ["-u", SUPERUSER, "--", file, ...args]] : [file, args];
  // Drop libpq/server env vars that could redirect pg_ctl or initdb elsewhere.
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!key.startsWith("PG")) env[key] = value;
  }
  env.LC_ALL = "C";
  await execFile(cmd, cmdArgs, {
    cwd,
    env,
    timeout: COMMAND_TIMEOUT_MS,
    maxBuffer: 16 * 1024 * 1024,
  });
}

async function readLogTail(logFile: string): Promise<string> {
  try {
    const text = await readFile(logFile, "utf8");
    return text.split("\n").slice(-30).join("\n").trim();
  } catch {
    return "(no server log)";
  }
}

/** Quote a value for the shell command line pg_ctl builds from `-o`. */
function shellQuote(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

async function resolveRunAs(): Promise<{
  runAs: RunAs;
  owner: { uid: number; gid: number } | null;
}> {
  if (typeof process.getuid !== "function" || process.getuid() !== 0) {
    return { runAs: { runuser: null }, owner: null };
  }
  let uid: number;
  let gid: number;
  try {
    uid = Number.parseInt((await execFile("id", ["-u", SUPERUSER])).stdout.trim(), 10);
    gid = Number.parseInt((await execFile("id", ["-g", SUPERUSER])).stdout.trim(), 10);
  } catch {
    throw new Error(
      `Running as root, but there is no "${SUPERUSER}" OS user to run PostgreSQL as ` +
        "(PostgreSQL refuses to run as root). Install the postgresql package or run tests as a non-root user.",
    );
  }
  const runuser =
    (await findInPath("runuser")) ??
    ((await isExecutable("/usr/sbin/runuser")) ? "/usr/sbin/runuser" : null) ??
    ((await isExecutable("/sbin/runuser")) ? "/sbin/runuser" : null);
  if (!runuser) {
    throw new Error("Running as root, but `runuser` was not found; cannot start PostgreSQL as the postgres user.");
  }
  return { runAs: { runuser }, owner: { uid, gid } };
}

export async function startEphemeralPostgres(): Promise<EphemeralPostgres> {
  const bins = await findPgBinaries();
  if (!bins) {
    throw new Error(
      "PostgreSQL server binaries (initdb, pg_ctl) not found in /usr/lib/postgresql/*/bin or on PATH. " +
        "Install them (Debian: `apt-get install -y postgresql`) or set TEST_DATABASE_URL to an existing database.",
    );
  }
  const { runAs, owner } = await resolveRunAs();

  const baseDir = await mkdtemp(path.join(os.tmpdir(), "bankgate-pg-"));
  const dataDir = path.join(baseDir, "data");
  const logFile = path.join(baseDir, "server.log");
  let started = false;
  let postmasterPid: number | null = null;

  const removeBaseDir = () => rm(baseDir, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });

  // Safety net: if the test process exits without calling stop() (crash,
  // process.exit), kill the postmaster and remove the directory synchronously.
  const onExit = () => {
    if (postmasterPid !== null) {
      try {
        process.kill(postmasterPid, "SIGQUIT"); // immediate shutdown
      } catch {
        // already gone
      }
    }
    try {
      rmSync(baseDir, { recursive: true, force: true, maxRetries: 5, retryDelay: 50 });
    } catch {
      // best effort
    }
  };
  process.once("exit", onExit);

  const pgCtlStop = async () => {
    await runPg(runAs, bins.pgCtl, ["stop", "-D", dataDir, "-m", "immediate", "-w", "-t", "60"], baseDir);
  };

  try {
    if (owner) await chown(baseDir, owner.uid, owner.gid);

    try {
      await runPg(
        runAs,
        bins.initdb,
        ["-D", dataDir, "-U", SUPERUSER, "-A", "trust", "--locale=C", "--encoding=UTF8", "--no-sync", "--no-instructions"],
        baseDir,
      );
    } catch (err) {
      const hint = owner ? `\n(hint: initdb runs as the "${SUPERUSER}" OS user, which must be able to access ${os.tmpdir()})` : "";
      throw new Error(`initdb failed:\n${describeExecError(err)}${hint}`);
    }

    let port = 0;
    let lastError = "";
    const serverOptions = () =>
      [
        "-c listen_addresses=127.0.0.1",
        `-c port=${port}`,
        `-c unix_socket_directories=${shellQuote(baseDir)}`,
        `-c cluster_name=${EPHEMERAL_CLUSTER_NAME}`,
        "-c fsync=off",
        "-c synchronous_commit=off",
        "-c full_page_writes=off",
        "-c max_connections=100",
      ].join(" ");
    const pgCtlStart = () =>
      runPg(runAs, bins.pgCtl, ["start", "-D", dataDir, "-l", logFile, "-w", "-t", "60", "-o", serverOptions()], baseDir);
    const readPostmasterPid = async (): Promise<number | null> => {
      try {
        const pid = Number.parseInt((await readFile(path.join(dataDir, "postmaster.pid"), "utf8")).split("\n")[0] ?? "", 10);
        return Number.isFinite(pid) && pid > 0 ? pid : null;
      } catch {
        return null;
      }
    };
    for (let attempt = 1; attempt <= START_ATTEMPTS && !started; attempt++) {
      port = await freePort("127.0.0.1");
      try {
        await pgCtlStart();
        started = true;
      } catch (err) {
        // Most likely the port was grabbed between probing and binding; retry.
        lastError = `${describeExecError(err)}\nserver log:\n${await readLogTail(logFile)}`;
        await pgCtlStop().catch(() => {});
      }
    }
    if (!started) {
      throw new Error(`pg_ctl start failed after ${START_ATTEMPTS} attempts:\n${lastError}`);
    }

    postmasterPid = await readPostmasterPid();

    const admin = new pg.Client({ host: "127.0.0.1", port, user: SUPERUSER, database: "postgres" });
    await admin.connect();
    try {
      await admin.query(`create database ${DATABASE_NAME}`);
    } finally {
      await admin.end();
    }

    const url = `postgres://${SUPERUSER}@127.0.0.1:${port}/${DATABASE_NAME}`;
    let stopped = false;
    let paused = false;
    return {
      url,
      async pause() {
        await runPg(runAs, bins.pgCtl, ["stop", "-D", dataDir, "-m", "fast", "-w", "-t", "60"], baseDir);
        postmasterPid = null;
        paused = true;
      },
      async resume() {
        await pgCtlStart();
        postmasterPid = await readPostmasterPid();
        paused = false;
      },
      async stop() {
        if (stopped) return;
        stopped = true;
        try {
          if (!paused) await pgCtlStop();
        } catch (err) {
          // pg_ctl could not stop it: fall back to signalling the postmaster.
          if (postmasterPid !== null) {
            try {
              process.kill(postmasterPid, "SIGQUIT");
            } catch {
              // already gone
            }
          } else {
            throw new Error(`pg_ctl stop failed:\n${describeExecError(err)}`);
          }
        } finally {
          postmasterPid = null;
          process.removeListener("exit", onExit);
          await removeBaseDir();
        }
      },
    };
  } catch (err) {
    if (started) await pgCtlStop().catch(() => {});
    postmasterPid = null;
    process.removeListener("exit", onExit);
    await removeBaseDir().catch(() => {});
    throw err;
  }
}

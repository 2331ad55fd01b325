/**
 * Real bankgate processes for process-level tests (quality bar R5, docs/quality-bars.md): on a
 * build of the server (server-build.ts) and a throwaway database on the test PostgreSQL, starts `node <build>/main.js` children with a
 * role each, waits for their `/health`, and kills them (SIGKILL) and drops the database
 * at the end — also when the test process exits early.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { freePort } from "./free-port.js";
import { ROOT, sleep } from "./server-build.js";

export const HOST = "127.0.0.1";

/** Fixed keys shared by every process of a cluster (the customer id is a GUID, as required). */
export const CLUSTER_CUSTOMER = {
  customerId: "5f1c2b7e-3a4d-4e8f-9b0a-6c7d8e9f0a1b",
  secretKey: "mp-secret-key-0123456789",
  apiKey: "mp-api-key-0123456789",
} as const;
export const CLUSTER_MASTER_KEYS = `k1:${Buffer.alloc(32, 11).toString("base64")}`;

/** Children and data dirs of every cluster in this process; killed and removed on exit at the latest. */
const liveChildren = new Set<ChildProcess>();
const liveDirs = new Set<string>();
process.once("exit", () => {
  for (const child of liveChildren) child.kill("SIGKILL");
  for (const dir of liveDirs) rmSync(dir, { recursive: true, force: true });
});

export interface ThrowawayDatabase {
  /** postgres://… of the new database. */
  url: string;
  name: string;
  /** A client on the new database, for assertions on its tables. */
  query<T extends pg.QueryResultRow = pg.QueryResultRow>(text: string, values?: unknown[]): Promise<T[]>;
  /** Closes the client and drops the database (terminating leftover connections). */
  drop(): Promise<void>;
}

/** `create database mp_<random>` on the server of `adminUrl` (any database of it). */
export async function createThrowawayDatabase(adminUrl: string, prefix = "mp"): Promise<ThrowawayDatabase> {
  const name = `${prefix}_${randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`create database ${name}`);
  } finally {
    await admin.end();
  }
  const parsed = new URL(adminUrl);
  parsed.pathname = `/${name}`;
  const url = parsed.toString();
  let client: pg.Client | null = null;
  let dropped = false;
  return {
    url,
    name,
    async query<T extends pg.QueryResultRow>(text: string, values?: unknown[]) {
      if (!client) {
        client = new pg.Client({ connectionString: url });
        await client.connect();
      }
      return (await client.query<T>(text, values)).rows;
    },
    async drop() {
      if (dropped) return;
      dropped = true;
      await client?.end().catch(() => {});
      client = null;
      const dropper = new pg.Client({ connectionString: adminUrl });
      await dropper.connect();
      try {
        await dropper.query(`drop database if exists ${name} with (force)`);
      } finally {
        await dropper.end();
      }
    },
  };
}

export type Role = "all" | "api" | "worker";

export interface BankgateProcess {
  name: string;
  role: Role;
  child: ChildProcess;
  /** 0 for a worker (it serves no HTTP). */
  port: number;
  /** http://127.0.0.1:port, "" for a worker. */
  base: string;
  /** Everything the process wrote to stdout and stderr so far. */
  output(): string;
  alive(): boolean;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export interface StartOptions {
  name: string;
  role: Role;
  /** Extra environment (DATABASE_URL, timings…). */
  env?: Record<string, string>;
}

/** Environment for bankgate: the parent's minus any bankgate settings, plus `extra`. */
function bankgateEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    const isBankgate =
      key.startsWith("BANKGATE_") ||
      ["DATABASE_URL", "TEST_DATABASE_URL", "PORT", "HOST", "LOG_LEVEL"].includes(key) ||
      key.startsWith("PG");
    if (!isBankgate) env[key] = value;
  }
  return { ...env, ...extra };
}

/** A set of bankgate processes sharing one configuration (database, keys, customer). */
export class ProcessCluster {
  readonly processes: BankgateProcess[] = [];
  readonly #dataDir: string;

  /** main: the compiled entry point (from buildServer of server-build.ts); sharedEnv: DATABASE_URL, timings… */
  constructor(
    private readonly main: string,
    private readonly sharedEnv: Record<string, string>,
  ) {
    this.#dataDir = mkdtempSync(join(tmpdir(), "bankgate-mp-"));
    liveDirs.add(this.#dataDir);
  }

  /** Spawns `node dist/main.js`; does not wait for it (see waitForHealth). */
  async start(options: StartOptions): Promise<BankgateProcess> {
    const port = options.role === "worker" ? 0 : await freePort(HOST);
    const env = bankgateEnv({
      HOST,
      PORT: String(port),
      BANKGATE_DATA_DIR: join(this.#dataDir, options.name),
      BANKGATE_MASTER_KEYS: CLUSTER_MASTER_KEYS,
      BANKGATE_CUSTOMER_ID: CLUSTER_CUSTOMER.customerId,
      BANKGATE_SECRET_KEY: CLUSTER_CUSTOMER.secretKey,
      BANKGATE_API_KEY: CLUSTER_CUSTOMER.apiKey,
      LOG_LEVEL: "warn",
      ...this.sharedEnv,
      ...options.env,
      BANKGATE_ROLE: options.role,
    });
    const child = spawn(process.execPath, [this.main], { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
    liveChildren.add(child);
    let output = "";
    const keep = (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-64 * 1024);
    };
    child.stdout?.on("data", keep);
    child.stderr?.on("data", keep);
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      child.once("exit", (code, signal) => {
        liveChildren.delete(child);
        resolve({ code, signal });
      }),
    );
    const started: BankgateProcess = {
      name: options.name,
      role: options.role,
      child,
      port,
      base: port ? `http://${HOST}:${port}` : "",
      output: () => output,
      alive: () => child.exitCode === null && child.signalCode === null,
      exited,
    };
    this.processes.push(started);
    return started;
  }

  /** Polls GET /health until 200; fails at once if the process exits, or after `timeoutMs`. */
  async waitForHealth(target: BankgateProcess, timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (!target.alive()) throw new Error(`${target.name} exited before answering /health:\n${target.output()}`);
      try {
        const response = await fetch(`${target.base}/health`, { signal: AbortSignal.timeout(2_000) });
        if (response.status === 200) return;
      } catch {
        // not listening yet
      }
      await sleep(50);
    }
    throw new Error(`${target.name} did not answer /health within ${timeoutMs} ms:\n${target.output()}`);
  }

  /** SIGKILL every process still running and wait for it; removes the data dirs. */
  async killAll(): Promise<void> {
    await Promise.all(
      this.processes.map(async (p) => {
        if (p.alive()) p.child.kill("SIGKILL");
        await p.exited;
      }),
    );
    rmSync(this.#dataDir, { recursive: true, force: true });
    liveDirs.delete(this.#dataDir);
  }

  /** Every process's output, labelled (for failure messages). */
  describe(): string {
    return this.processes.map((p) => `--- ${p.name} (${p.role}, alive: ${p.alive()})\n${p.output()}`).join("\n");
  }
}

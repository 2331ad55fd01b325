/**
 * The real, compiled bankgate as a child process (quality bar R2, docs/quality-bars.md):
 * `npm run build` (server-build.ts), then `node <build>/main.js` on 127.0.0.1 with a free port,
 * fixed customer keys and master keys, and a data dir that the caller keeps across restarts. Every
 * wait is bounded; every child is SIGKILLed when the test process exits, at the latest.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { freePort } from "./free-port.js";
import { ROOT, sleep } from "./server-build.js";

const HOST = "127.0.0.1";

export interface ServerCustomer {
  customerId: string;
  secretKey: string;
  apiKey: string;
}

/** Fixed keys: a restarted server must know the same customer and decrypt the same data. */
export const SERVER_CUSTOMER: ServerCustomer = {
  customerId: "0b7c1d2e-4f5a-4b6c-8d7e-9f0a1b2c3d4e",
  secretKey: "kr-secret-key-0123456789",
  apiKey: "kr-api-key-0123456789",
};
export const SERVER_MASTER_KEYS = `kr1:${Buffer.alloc(32, 13).toString("base64")}`;

export interface ServerOptions {
  /** The compiled entry point (from `buildServer` of server-build.ts). */
  main: string;
  /** BANKGATE_DATA_DIR: the SQLite store; keep it to restart on the same data. */
  dataDir: string;
  customer?: ServerCustomer;
  /** More environment (timings, BANKGATE_FAULT_POINT…). */
  env?: Record<string, string>;
  /** Bound on the wait for GET /health = 200. */
  startTimeoutMs?: number;
  /** A file descriptor for the child's stdout (the log stream) instead of a pipe: a log file. */
  stdoutFd?: number;
}

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** A running `node main.js`. */
export class ServerProcess {
  readonly exited: Promise<Exit>;
  #output = "";
  #streams = { stdout: "", stderr: "" };

  private constructor(
    readonly child: ChildProcess,
    readonly base: string,
  ) {
    const keep = (stream: "stdout" | "stderr") => (chunk: Buffer) => {
      this.#output = (this.#output + chunk.toString()).slice(-32 * 1024);
      this.#streams[stream] = (this.#streams[stream] + chunk.toString()).slice(-256 * 1024);
    };
    child.stdout?.on("data", keep("stdout"));
    child.stderr?.on("data", keep("stderr"));
    // A test process that dies first must not leave a server behind.
    const killOnExit = () => child.kill("SIGKILL");
    process.once("exit", killOnExit);
    this.exited = new Promise((resolve) =>
      child.once("exit", (code, signal) => {
        process.off("exit", killOnExit);
        resolve({ code, signal });
      }),
    );
  }

  /** Spawns the server and waits for /health; retries on another port if the probed one was taken meanwhile. */
  static async start(options: ServerOptions): Promise<ServerProcess> {
    for (let attempt = 1; ; attempt++) {
      const port = await freePort(HOST);
      const server = new ServerProcess(spawnServer(options, port), `http://${HOST}:${port}`);
      try {
        await server.#waitForHealth(options.startTimeoutMs ?? 15_000);
        return server;
      } catch (error) {
        await server.kill();
        if (attempt < 3 && server.output().includes("EADDRINUSE")) continue;
        throw error;
      }
    }
  }

  /** The last 256 KB the server wrote to one stream (stdout: the log stream; stderr: the start banner). */
  stream(name: "stdout" | "stderr"): string {
    return this.#streams[name];
  }

  /** The last 32 KB of stdout and stderr, for failure messages. */
  output(): string {
    return this.#output;
  }

  alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Waits for the process to end by itself (a fault point), at most `timeoutMs`. */
  async waitForExit(timeoutMs = 10_000): Promise<Exit> {
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`server still running after ${timeoutMs} ms:\n${this.#output}`)), timeoutMs);
    });
    try {
      return await Promise.race([this.exited, timedOut]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** kill -9, then waits for the exit. Harmless on a process that already ended. */
  async kill(): Promise<Exit> {
    if (this.alive()) this.child.kill("SIGKILL");
    return this.waitForExit(5_000);
  }

  /** SIGTERM (graceful shutdown); SIGKILL if it has not ended within `timeoutMs`. */
  async stop(timeoutMs = 5_000): Promise<Exit> {
    if (!this.alive()) return this.exited;
    this.child.kill("SIGTERM");
    try {
      return await this.waitForExit(timeoutMs);
    } catch {
      return this.kill();
    }
  }

  async #waitForHealth(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (!this.alive()) throw new Error(`bankgate exited before answering /health:\n${this.#output}`);
      try {
        const response = await fetch(`${this.base}/health`, { signal: AbortSignal.timeout(1_000) });
        if (response.status === 200) return;
      } catch {
        // not listening yet
      }
      await sleep(25);
    }
    throw new Error(`bankgate did not answer /health within ${timeoutMs} ms:\n${this.#output}`);
  }
}

function spawnServer(options: ServerOptions, port: number): ChildProcess {
  const customer = options.customer ?? SERVER_CUSTOMER;
  const env = {
    ...inheritedEnv(),
    NODE_ENV: "test",
    HOST,
    PORT: String(port),
    BANKGATE_DATA_DIR: options.dataDir,
    BANKGATE_MASTER_KEYS: SERVER_MASTER_KEYS,
    BANKGATE_CUSTOMER_ID: customer.customerId,
    BANKGATE_SECRET_KEY: customer.secretKey,
    BANKGATE_API_KEY: customer.apiKey,
    LOG_LEVEL: "warn",
    ...options.env,
  };
  return spawn(process.execPath, [options.main], { cwd: ROOT, env, stdio: ["ignore", options.stdoutFd ?? "pipe", "pipe"] });
}

/** The parent's environment minus anything that configures bankgate or Node (the child gets only what the test sets). */
function inheritedEnv(): NodeJS.ProcessEnv {
  const dropped = ["DATABASE_URL", "TEST_DATABASE_URL", "PORT", "HOST", "LOG_LEVEL", "NODE_ENV", "NODE_OPTIONS"];
  return Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith("BANKGATE_") && !dropped.includes(key)));
}

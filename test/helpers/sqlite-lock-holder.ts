import { spawn } from "node:child_process";

/** Another process — the sqlite3 CLI — inside a write transaction on a store's file. */
export interface SqliteLockHolder {
  /** Rolls the transaction back and waits for the CLI to exit. */
  release(): Promise<void>;
  /** Ends the CLI at once, lock and all (for cleanup after a failure). */
  kill(): void;
}

/**
 * Starts the sqlite3 CLI on `file` and resolves once it holds the write lock, in a transaction
 * that has run `statement`. The CLI waits for the lock (`.timeout`): the store's own process
 * may be committing at that moment (an aggregation, a job's completion), and without a wait
 * the CLI's BEGIN fails, it skips the rest of the line and never says it holds the lock.
 * Whatever the CLI reports as an error rejects at once with its message.
 */
export async function holdSqliteWriteLock(file: string, statement: string): Promise<SqliteLockHolder> {
  const child = spawn("sqlite3", [file]);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const locked = new Promise<void>((resolve, reject) => {
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes("locked")) resolve();
    });
    child.stderr.on("data", (chunk: Buffer) => reject(new Error(`sqlite3 could not take the lock: ${chunk.toString().trim()}`)));
    child.once("exit", (code) => reject(new Error(`sqlite3 exited (${code}) before taking the lock`)));
  });
  child.stdin.write(`.timeout 10000\nBEGIN IMMEDIATE; ${statement}; SELECT 'locked';\n`);
  try {
    await locked;
  } catch (error) {
    child.kill("SIGKILL");
    throw error;
  }
  return {
    async release() {
      if (child.exitCode === null && child.signalCode === null) child.stdin.end("ROLLBACK;\n");
      await exited;
    },
    kill() {
      child.kill("SIGKILL");
    },
  };
}

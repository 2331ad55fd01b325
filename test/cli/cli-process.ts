/**
 * The compiled `bankgate` command line as a child process for the CLI tests: a private build
 * (server-build.ts), each run bounded, its exit code and both streams returned. The child
 * gets only the environment the test gives it (plus PATH and the like).
 */
import { execFile } from "node:child_process";
import { join } from "node:path";
import { buildServer, ROOT, removeBuild } from "../helpers/server-build.js";

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export interface Cli {
  /** The compiled bin/bankgate (…/cli/bankgate.js of the build). */
  bin: string;
  run(args: string[], env?: Record<string, string>): Promise<CliRun>;
  /** `run`, then the stdout's JSON; fails the test with both streams when the exit code is not `code`. */
  json<T = unknown>(args: string[], env?: Record<string, string>, code?: number): Promise<T>;
  remove(): void;
}

export async function buildCli(name: string): Promise<Cli> {
  const main = await buildServer(name, 420_000);
  const bin = join(main, "..", "cli", "bankgate.js");
  const run = (args: string[], env: Record<string, string> = {}) =>
    new Promise<CliRun>((resolve) => {
      execFile(process.execPath, [bin, ...args], { cwd: ROOT, env: { ...cliEnv(), ...env }, timeout: 60_000 }, (error, stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : -1) : 0;
        resolve({ code, stdout, stderr });
      });
    });
  return {
    bin,
    run,
    async json<T>(args: string[], env: Record<string, string> = {}, code = 0): Promise<T> {
      const result = await run([...args, "--json"], env);
      if (result.code !== code)
        throw new Error(`bankgate ${args.join(" ")} exited ${result.code}, not ${code}:\n${result.stdout}\n${result.stderr}`);
      return JSON.parse(result.stdout) as T;
    },
    remove: () => removeBuild(main),
  };
}

/** The parent's environment minus anything that configures bankgate or Node. */
export function cliEnv(): Record<string, string> {
  const dropped = ["DATABASE_URL", "TEST_DATABASE_URL", "PORT", "HOST", "LOG_LEVEL", "NODE_ENV", "NODE_OPTIONS"];
  return Object.fromEntries(
    Object.entries(process.env).filter(
      (entry): entry is [string, string] => entry[1] !== undefined && !entry[0].startsWith("BANKGATE_") && !dropped.includes(entry[0]),
    ),
  );
}

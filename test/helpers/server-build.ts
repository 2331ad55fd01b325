/**
 * The compiled server for the process-level tests (server-process.ts, process-cluster.ts):
 * the server half of `npm run build` (`build:server`, tsc) into a private directory under dist/ (git-ignored), so another test file or a
 * developer rebuilding dist/ meanwhile can never hand a child a half-written module. The build
 * is deleted by `removeBuild`, and when the test process exits at the latest.
 */
import { execFile as execFileCallback } from "node:child_process";
import { rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const execFile = promisify(execFileCallback);

/** The repository root: the children's working directory. */
export const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

/** Builds not removed yet; removed on exit at the latest. */
const liveBuilds = new Set<string>();
process.once("exit", () => {
  for (const dir of liveBuilds) rmSync(dir, { recursive: true, force: true });
});

/** Builds into `dist/.<name>-<pid>` (bounded by `timeoutMs`) and returns the build's main.js. */
export async function buildServer(name: string, timeoutMs: number): Promise<string> {
  const outDir = join(ROOT, "dist", `.${name}-${process.pid}`);
  rmSync(outDir, { recursive: true, force: true });
  try {
    await execFile("npm", ["run", "build:server", "--silent", "--", "--outDir", outDir], {
      cwd: ROOT,
      timeout: timeoutMs,
      maxBuffer: 16 * 1024 * 1024,
    });
  } catch (error) {
    const e = error as { message?: string; stdout?: string; stderr?: string };
    throw new Error(`npm run build:server failed: ${e.message ?? String(error)}\n${e.stdout ?? ""}${e.stderr ?? ""}`);
  }
  liveBuilds.add(outDir);
  return join(outDir, "main.js");
}

/** Deletes the build of `main` (from `buildServer`). */
export function removeBuild(main: string): void {
  rmSync(dirname(main), { recursive: true, force: true });
  liveBuilds.delete(dirname(main));
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

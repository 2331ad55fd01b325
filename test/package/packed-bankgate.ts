/**
 * bankgate as an integrator gets it: the tarball `npm pack` makes of a fresh build, installed
 * with npm into an empty folder. Everything happens in temp directories (the repository's
 * dist/ is never touched), every command is bounded, and `dispose()` removes it all.
 *
 * better-sqlite3 installs as it does for everyone — its install script runs prebuild-install,
 * which downloads a prebuilt binary — but from a mirror on 127.0.0.1 (prebuild-install's
 * `npm_config_better_sqlite3_binary_host`) that serves the binary this checkout already has:
 * the test machines reach no download host, and compiling SQLite would take minutes.
 */
import { execFile as execFileCallback } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { ROOT } from "../helpers/server-build.js";

export const execFile = promisify(execFileCallback);

export interface PackedBankgate {
  /** The folder the tarball was installed into (run `npx bankgate` there). */
  installDir: string;
  tarball: string;
  dispose(): Promise<void>;
}

const MINUTE = 60_000;

/** Builds, packs and installs; each step bounded by `timeoutMs`. */
export async function packAndInstall(timeoutMs = 3 * MINUTE): Promise<PackedBankgate> {
  const work = mkdtempSync(join(tmpdir(), "bankgate-pack-"));
  const mirror = await startBinaryMirror(work);
  try {
    const tarball = await pack(work, timeoutMs);
    const installDir = join(work, "app");
    mkdirSync(installDir);
    // npm 11 runs a dependency's install script only when the installing project allows it.
    writeFileSync(join(installDir, "package.json"), `${JSON.stringify({ private: true, allowScripts: { "better-sqlite3": true } })}\n`);
    await npm(["install", "--prefer-offline", "--no-audit", "--no-fund", tarball], installDir, timeoutMs, {
      npm_config_better_sqlite3_binary_host: mirror.url,
    });
    return {
      installDir,
      tarball,
      async dispose() {
        await mirror.close();
        rmSync(work, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await mirror.close();
    rmSync(work, { recursive: true, force: true });
    throw error;
  }
}

/** The package's files staged from a fresh build (server, widget and dashboard), then `npm pack` of the stage. */
async function pack(work: string, timeoutMs: number): Promise<string> {
  const stage = join(work, "stage");
  mkdirSync(stage);
  for (const file of ["package.json", "README.md", "LICENSE", "docs"]) cpSync(join(ROOT, file), join(stage, file), { recursive: true });
  await npm(["run", "build:server", "--silent", "--", "--outDir", join(stage, "dist")], ROOT, timeoutMs);
  await npm(["run", "build:widget", "--silent"], ROOT, timeoutMs, { BANKGATE_WIDGET_OUT_DIR: join(stage, "dist", "connect") });
  await npm(["run", "build:dashboard", "--silent"], ROOT, timeoutMs, { BANKGATE_DASHBOARD_OUT_DIR: join(stage, "dist", "dashboard") });
  // The stage is already built: `prepare` (a build) must not run again there.
  const { stdout } = await npm(["pack", "--ignore-scripts", "--json", "--pack-destination", work], stage, timeoutMs);
  const [packed] = JSON.parse(stdout) as Array<{ filename: string }>;
  if (!packed) throw new Error(`npm pack printed no tarball: ${stdout}`);
  return join(work, packed.filename);
}

/** Serves this checkout's compiled better-sqlite3 as a prebuilt download, whatever path is asked. */
async function startBinaryMirror(work: string): Promise<{ url: string; close(): Promise<void> }> {
  const archive = join(work, "better-sqlite3-prebuilt.tar.gz");
  await execFile("tar", ["czf", archive, "build/Release/better_sqlite3.node"], {
    cwd: join(ROOT, "node_modules", "better-sqlite3"),
    timeout: MINUTE,
  });
  const body = readFileSync(archive);
  const server: Server = createServer((_request, response) => response.writeHead(200, { "content-type": "application/gzip" }).end(body));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

/** `npm …` with the environment of an integrator's shell: nothing of this test run's bankgate or vitest settings. */
export async function npm(args: string[], cwd: string, timeoutMs: number, env: Record<string, string> = {}) {
  try {
    return await execFile("npm", args, { cwd, timeout: timeoutMs, maxBuffer: 32 * 1024 * 1024, env: { ...cleanEnv(), ...env } });
  } catch (error) {
    const e = error as { message?: string; stdout?: string; stderr?: string };
    throw new Error(`npm ${args.join(" ")} failed: ${e.message ?? String(error)}\n${e.stdout ?? ""}${e.stderr ?? ""}`);
  }
}

export function cleanEnv(): NodeJS.ProcessEnv {
  const dropped = [
    "DATABASE_URL",
    "TEST_DATABASE_URL",
    "PORT",
    "HOST",
    "LOG_LEVEL",
    "NODE_ENV",
    "NODE_OPTIONS",
    "VITEST",
    "VITEST_POOL_ID",
    "VITEST_WORKER_ID",
  ];
  return Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith("BANKGATE_") && !dropped.includes(key)));
}

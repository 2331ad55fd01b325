import { execFile } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildServer, ROOT, removeBuild } from "../helpers/server-build.js";

/**
 * The docs/testing.md examples (examples/testing/), each run by its own test runner as an
 * integrator's project runs it: `import { startBankgate } from "bankgate/testing"` resolves
 * through node_modules/bankgate to a fresh build, never the repository's own dist/.
 */
let main: string;
let work: string;

beforeAll(async () => {
  main = await buildServer("testing-examples", 420_000);
  work = mkdtempSync(join(tmpdir(), "bankgate-examples-"));
  // The package as installed: its manifest (for "exports") beside the build.
  const pkg = join(work, "bankgate");
  mkdirSync(pkg);
  copyFileSync(join(ROOT, "package.json"), join(pkg, "package.json"));
  symlinkSync(dirname(main), join(pkg, "dist"), "dir");
}, 480_000);
afterAll(() => {
  if (main) removeBuild(main);
  if (work) rmSync(work, { recursive: true, force: true });
});

/** A project folder holding one example, its helper, and node_modules links to bankgate and the runner. */
function project(name: string, example: string, modules: string[]): string {
  const dir = join(work, name);
  mkdirSync(join(dir, "node_modules", "@jest"), { recursive: true });
  writeFileSync(join(dir, "package.json"), `${JSON.stringify({ private: true, type: "module" })}\n`);
  for (const file of [example, "connect-greatday.mjs"]) copyFileSync(join(ROOT, "examples", "testing", file), join(dir, file));
  symlinkSync(join(work, "bankgate"), join(dir, "node_modules", "bankgate"), "dir");
  for (const module of modules) symlinkSync(join(ROOT, "node_modules", module), join(dir, "node_modules", module), "dir");
  return dir;
}

function run(args: string[], cwd: string, env: Record<string, string> = {}): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    const childEnv: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: "test", ...env };
    for (const key of Object.keys(childEnv)) if (key.startsWith("VITEST") || key.startsWith("BANKGATE_")) delete childEnv[key];
    execFile(process.execPath, args, { cwd, env: childEnv, timeout: 240_000, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === "number" ? error.code : -1) : 0, output: `${stdout}\n${stderr}` });
    });
  });
}

describe("docs/testing.md examples", () => {
  it("node:test", async () => {
    const dir = project("node-test", "node-test.example.test.mjs", []);
    const result = await run(["--test", "node-test.example.test.mjs"], dir);
    expect(result.code, result.output).toBe(0);
    expect(result.output).toMatch(/# pass 1\b/);
  }, 300_000);

  it("vitest", async () => {
    const dir = project("vitest", "vitest.example.test.mjs", ["vitest"]);
    const result = await run([join(ROOT, "node_modules", "vitest", "vitest.mjs"), "run", "--root", dir], dir);
    expect(result.code, result.output).toBe(0);
    expect(result.output).toMatch(/1 passed/);
  }, 300_000);

  it("jest", async () => {
    const dir = project("jest", "jest.example.test.mjs", ["@jest/globals"]);
    // Jest runs ES modules behind Node's VM-modules flag, with no transform (jest.config in docs/testing.md).
    const result = await run(
      [
        "--experimental-vm-modules",
        join(ROOT, "node_modules", "jest", "bin", "jest.js"),
        "--rootDir",
        dir,
        "--config",
        JSON.stringify({ transform: {} }),
      ],
      dir,
    );
    expect(result.code, result.output).toBe(0);
    expect(result.output).toMatch(/Tests:\s+1 passed/);
  }, 300_000);
});

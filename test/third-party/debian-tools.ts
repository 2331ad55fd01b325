import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { describe, it } from "vitest";

/** Debian's Python with the OFX packages (the `python3` on PATH may be another one without them). */
export const DEBIAN_PYTHON = "/usr/bin/python3";

export interface DebianTool {
  /** What the test needs: a program path, or a Python module of Debian's python3. */
  check: { program: string } | { pythonModule: string };
  /** The Debian package that brings it. */
  debianPackage: string;
}

function isInstalled(tool: DebianTool): boolean {
  if ("program" in tool.check) return existsSync(tool.check.program);
  if (!existsSync(DEBIAN_PYTHON)) return false;
  return spawnSync(DEBIAN_PYTHON, ["-c", `import ${tool.check.pythonModule}`], { stdio: "ignore" }).status === 0;
}

/**
 * A describe block that needs software nobody here wrote. Missing on a developer's machine, it
 * is skipped with the reason in the test's name; missing in CI (process.env.CI), it fails: CI
 * installs these packages, so a missing one is a broken CI, not a reason to pass.
 */
export function describeWithDebianTools(name: string, tools: DebianTool[], body: () => void): void {
  const missing = tools.filter((tool) => !isInstalled(tool));
  describe(name, () => {
    if (missing.length === 0) return body();
    const packages = missing.map((t) => t.debianPackage).join(" ");
    if (process.env.CI) {
      it(`needs the Debian packages ${packages}`, () => {
        throw new Error(`missing in CI: apt-get install ${packages}`);
      });
    } else {
      it.skip(`skipped: Debian packages ${packages} are not installed (apt-get install ${packages})`, () => {});
    }
  });
}

export const OFXDUMP: DebianTool = { check: { program: "/usr/bin/ofxdump" }, debianPackage: "ofx" };
export const OFXCONNECT: DebianTool = { check: { program: "/usr/bin/ofxconnect" }, debianPackage: "ofx" };
export const OFXPARSE: DebianTool = { check: { pythonModule: "ofxparse" }, debianPackage: "python3-ofxparse" };
export const OFXCLIENT: DebianTool = { check: { pythonModule: "ofxclient" }, debianPackage: "python3-ofxclient" };
export const OPENSSL: DebianTool = { check: { program: "/usr/bin/openssl" }, debianPackage: "openssl" };

import { defineConfig } from "vitest/config";

/**
 * The test tiers (CONTRIBUTING.md): each is a project, run alone with `npm run test:<tier>`;
 * `npm test` runs them all. What each tier needs: unit nothing; storage and api PostgreSQL
 * (started by global-setup, skipped locally without it); connectors the compiled program and,
 * for the third-party clients, Debian's ofx, python3-ofxparse and python3-ofxclient; process
 * the compiled program; e2e Chromium.
 */
const tier = (name: string, include: string[], groupOrder = 0) => ({
  extends: true as const,
  test: { name, include, sequence: { groupOrder } },
});

export default defineConfig({
  test: {
    globalSetup: ["test/helpers/global-setup.ts"],
    // API tests run a whole app each; two workers fit the 2-core machines.
    maxWorkers: 2,
    testTimeout: 30_000,
    // CI also writes a JSON report so .ci/run can print a plain "N passed, N failed" line.
    reporters: process.env.CI ? ["default", ["json", { outputFile: "test-results/vitest.json" }]] : ["default"],
    hookTimeout: 60_000,
    projects: [
      tier("unit", ["test/unit/**/*.test.ts", "test/architecture/**/*.test.ts"]),
      tier("storage", ["test/storage/**/*.test.ts"]),
      tier("api", ["test/api/**/*.test.ts", "test/clients/**/*.test.ts", "test/testing/**/*.test.ts"]),
      tier("connectors", ["test/connectors/**/*.test.ts", "test/sim/**/*.test.ts", "test/third-party/**/*.test.ts"]),
      tier("process", ["test/process/**/*.test.ts", "test/cli/**/*.test.ts"]),
      // npm pack of a fresh build, installed into an empty folder (about a minute): its own tier.
      tier("package", ["test/package/**/*.test.ts"]),
      // The browser tests (a Chromium each) run after everything else: on a 2-core machine they
      // would otherwise starve the timed process and property tests running beside them.
      tier("e2e", ["test/e2e/**/*.test.ts"], 1),
    ],
  },
});

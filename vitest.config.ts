import { defineConfig } from "vitest/config";

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
      { extends: true, test: { name: "api", sequence: { groupOrder: 0 }, include: ["test/**/*.test.ts"], exclude: ["test/e2e/**"] } },
      // The browser tests (a Chromium each) run after everything else: on a 2-core machine they
      // would otherwise starve the timed process and property tests running beside them.
      { extends: true, test: { name: "e2e", include: ["test/e2e/**/*.test.ts"], sequence: { groupOrder: 1 } } },
    ],
  },
});

/**
 * The dashboard in Chromium: the e2e harness's real bankgate (and widget, and parent page on
 * another origin), plus a freshly built dashboard it serves at /dashboard/.
 */
import { execFile as execFileCallback } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import type { Page } from "playwright-core";
import { ROOT } from "../helpers/server-build.js";
import { type E2e, SCREENSHOTS, startE2e } from "./e2e-harness.js";

const execFile = promisify(execFileCallback);

export interface DashboardE2e {
  e: E2e;
  /** http://127.0.0.1:{api port}/dashboard/ */
  url: string;
  /** Opens the dashboard and signs in through its form with the development customer's secret key. */
  signIn(page: Page, hash?: string): Promise<void>;
  /** Goes to a screen (`#/sessions` …) and waits for its heading. */
  go(page: Page, hash: string): Promise<void>;
  /** A full-page screenshot under test-results/screenshots/dashboard-{name}.png. */
  shot(page: Page, name: string): Promise<void>;
  close(): Promise<void>;
}

export async function startDashboardE2e(options: { name: string; env?: Record<string, string> }): Promise<DashboardE2e> {
  const dashboardDir = mkdtempSync(join(tmpdir(), `bankgate-dashboard-${options.name}-`));
  await execFile(
    process.execPath,
    [join(ROOT, "node_modules", "vite", "bin", "vite.js"), "build", "--config", "dashboard/vite.config.ts", "--logLevel", "error"],
    { cwd: ROOT, env: { ...process.env, BANKGATE_DASHBOARD_OUT_DIR: dashboardDir }, timeout: 120_000 },
  );
  const e = await startE2e({ name: options.name, env: { BANKGATE_DASHBOARD_DIR: dashboardDir, ...options.env } });
  const url = `${e.apiOrigin}/dashboard/`;
  const go = async (page: Page, hash: string) => {
    await page.evaluate((h) => {
      location.hash = h;
    }, hash);
    await page.locator("main h1").waitFor();
  };
  return {
    e,
    url,
    async signIn(page, hash = "#/cards") {
      await page.goto(`${url}${hash}`);
      await page.getByLabel("Customer ID").fill(e.t.customer.customerId);
      await page.getByLabel("Secret key").fill(e.t.customer.secretKey);
      await page.getByRole("button", { name: "Sign in" }).click();
      await page.getByRole("navigation").waitFor();
    },
    go,
    async shot(page, name) {
      await page.screenshot({ path: join(SCREENSHOTS, `dashboard-${name}.png`), fullPage: true });
    },
    async close() {
      await e.close();
      rmSync(dashboardDir, { recursive: true, force: true });
    },
  };
}

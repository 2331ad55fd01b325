/**
 * Vitest globalSetup: provides a PostgreSQL URL to tests as `inject("databaseUrl")`.
 *
 * - TEST_DATABASE_URL already set: that database is used as is.
 * - Otherwise a throwaway cluster is started (see ephemeral-postgres.ts) and
 *   stopped again in teardown; TEST_DATABASE_URL is set for the workers too.
 * - PostgreSQL unavailable: in CI (CI=true) this is an error; locally the
 *   PostgreSQL tests are skipped (`databaseUrl` is "").
 */
import type { TestProject } from "vitest/node";
import { startEphemeralPostgres } from "./ephemeral-postgres.js";

declare module "vitest" {
  export interface ProvidedContext {
    databaseUrl: string;
  }
}

function isCi(): boolean {
  const value = (process.env.CI ?? "").trim().toLowerCase();
  return value !== "" && value !== "0" && value !== "false";
}

export default async function setup(project: TestProject): Promise<(() => Promise<void>) | undefined> {
  const existing = process.env.TEST_DATABASE_URL;
  if (existing) {
    project.provide("databaseUrl", existing);
    return undefined;
  }

  let cluster: Awaited<ReturnType<typeof startEphemeralPostgres>>;
  try {
    cluster = await startEphemeralPostgres();
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    if (isCi()) {
      throw new Error(`PostgreSQL is required in CI but could not be started: ${reason}`, {
        cause: err,
      });
    }
    console.warn(`[global-setup] PostgreSQL unavailable, PostgreSQL tests will be skipped: ${reason.split("\n")[0]}`);
    project.provide("databaseUrl", "");
    return undefined;
  }

  process.env.TEST_DATABASE_URL = cluster.url;
  project.provide("databaseUrl", cluster.url);

  return async function teardown() {
    delete process.env.TEST_DATABASE_URL;
    await cluster.stop();
  };
}

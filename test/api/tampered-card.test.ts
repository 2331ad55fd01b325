/**
 * A ciphertext altered in the store fails only its own card (docs/decisions.md, "Faults
 * answered as faults"): that card's calls answer the catalogued CARD_UNREADABLE, the log
 * names the record that failed to open, and every other card keeps working. On both stores.
 */
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { FastifyInstance } from "fastify";
import { afterEach, describe, expect, it } from "vitest";
import { buildApp } from "../../src/app.js";
import { errorCatalog } from "../../src/errors/catalog.js";
import { DroppingLogStream } from "../../src/lib/dropping-log-stream.js";
import { openDatabase } from "../../src/storage/open-database.js";
import { createTestApp, type TestApp } from "../helpers/test-app.js";
import { skipPostgres } from "../helpers/test-store.js";

/** Flips one character of a vault ciphertext's last part (the sealed body): still well-formed, no longer authentic. */
function tampered(ciphertext: string): string {
  const at = ciphertext.length - 5;
  const flipped = ciphertext[at] === "A" ? "B" : "A";
  return ciphertext.slice(0, at) + flipped + ciphertext.slice(at + 1);
}

describe.each([
  { store: "sqlite" as const, skip: false },
  { store: "postgres" as const, skip: skipPostgres },
])("a tampered card on $store", ({ store, skip }) => {
  let t: TestApp;
  let logged: FastifyInstance;
  let logDir: string;
  let logFd: number;
  afterEach(async () => {
    await logged?.close();
    await t?.close();
    closeSync(logFd);
    rmSync(logDir, { recursive: true, force: true });
  });

  it.skipIf(skip)("answers CARD_UNREADABLE for that card only and logs which record failed", async () => {
    t = await createTestApp({ store, randomInt: () => 0, env: { LOG_LEVEL: "warn" } });
    logDir = mkdtempSync(join(tmpdir(), "bankgate-tamper-log-"));
    logFd = openSync(join(logDir, "log"), "a");
    // The same deps behind an app that logs, as main.ts builds it.
    logged = await buildApp(t.deps, { logStream: new DroppingLogStream(logFd) });
    const post = async (operation: string, body: Record<string, unknown>, headers: Record<string, string> = t.apiKeyHeaders()) =>
      logged.inject({ method: "POST", url: t.path(operation), payload: body, headers });

    const victim = await t.connect("Greatday+victim");
    const bystander = await t.connect("Greatday+bystander");
    await t.deps.runner.runUntilIdle();

    const { db } = await openDatabase({ databaseUrl: t.config.store.databaseUrl, dataDir: t.dataDir });
    try {
      const row = await db.selectFrom("logins").selectAll().where("id", "=", victim.Login.Id).executeTakeFirstOrThrow();
      await db
        .updateTable("logins")
        .set({ username_enc: tampered(row.username_enc), credentials_enc: row.credentials_enc && tampered(row.credentials_enc) })
        .where("id", "=", victim.Login.Id)
        .execute();
    } finally {
      await db.destroy();
    }

    for (const body of [
      { LoginId: victim.Login.Id, MostRecentCached: true },
      { LoginId: victim.Login.Id, MostRecentCached: false },
    ]) {
      const answer = await post("Authorize", body);
      expect(answer.statusCode, answer.body).toBe(errorCatalog.CARD_UNREADABLE.httpStatus);
      expect(answer.json()).toMatchObject({ FlinksCode: "CARD_UNREADABLE", Message: errorCatalog.CARD_UNREADABLE.message });
    }

    const cached = await post("Authorize", { LoginId: bystander.Login.Id, MostRecentCached: true });
    expect(cached.statusCode).toBe(200);
    const accounts = await post("GetAccountsDetail", { RequestId: cached.json().RequestId });
    expect(accounts.statusCode).toBe(200);
    expect(accounts.json().Accounts.length).toBeGreaterThan(0);
    expect((await post("Authorize", { LoginId: bystander.Login.Id, MostRecentCached: false })).statusCode).toBe(203);

    const lines = readFileSync(join(logDir, "log"), "utf8")
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line));
    const failures = lines.filter((line) => String(line.msg).startsWith("stored ciphertext cannot be opened"));
    expect(failures.map((line) => line.record)).toEqual(
      expect.arrayContaining([`login:${victim.Login.Id}:username`, `login:${victim.Login.Id}:credentials`]),
    );
    expect(lines.filter((line) => line.msg === "unexpected error")).toEqual([]);
  });
});

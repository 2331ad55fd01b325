/**
 * A cached /Authorize reads its card only inside the group commit that stores its session
 * (SessionStore.insertOnCard): one read of the card for the group, never one per request
 * outside any transaction — that read was a quarter of the request's CPU under load
 * (docs/performance.md, "The card read in the group commit"). Checked on the statements
 * SQLite runs while concurrent cached calls are answered.
 */
import Sqlite from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../helpers/test-app.js";

/** The statements on the cards' table that `work` makes SQLite run, each with whether a transaction was open. */
async function cardStatements(work: () => Promise<void>): Promise<Array<{ sql: string; inTransaction: boolean }>> {
  const probe = new Sqlite(":memory:");
  const prototype = Object.getPrototypeOf(probe.prepare("select 1"));
  probe.close();
  const originals = { all: prototype.all, get: prototype.get, run: prototype.run, iterate: prototype.iterate };
  const seen: Array<{ sql: string; inTransaction: boolean }> = [];
  for (const [method, original] of Object.entries(originals)) {
    prototype[method] = function traced(this: { source: string; database: Sqlite.Database }, ...args: unknown[]) {
      if (/"logins"/.test(this.source)) seen.push({ sql: this.source, inTransaction: this.database.inTransaction });
      return original.apply(this, args);
    };
  }
  try {
    await work();
    return seen;
  } finally {
    Object.assign(prototype, originals);
  }
}

describe("cached /Authorize's card read", () => {
  let t: TestApp;
  afterEach(async () => {
    await t.close();
  });

  it("happens inside the session's group commit, once for concurrent calls on one card", async () => {
    t = await createTestApp({ store: "sqlite", runJobs: false });
    const loginId = (await t.connect()).Login.Id;
    await t.deps.runner.runUntilIdle();

    const calls = 8;
    let answers: Array<{ statusCode: number; loginId: string }> = [];
    const reads = await cardStatements(async () => {
      const replies = await Promise.all(
        Array.from({ length: calls }, () => t.post("Authorize", { LoginId: loginId, MostRecentCached: true }, t.apiKeyHeaders())),
      );
      answers = replies.map((reply) => ({ statusCode: reply.statusCode, loginId: reply.json().Login?.Id }));
    });

    expect(answers).toEqual(Array.from({ length: calls }, () => ({ statusCode: 200, loginId })));
    expect(reads.length).toBeGreaterThan(0);
    expect(reads.filter((read) => !read.inTransaction)).toEqual([]);
    expect(reads.length).toBeLessThan(calls);
  });
});

/**
 * A cached /Authorize reads its card only inside the group commit that stores its session
 * (SessionStore.insertOnCard): one read of the card for the group, never one per request
 * outside any transaction — that read was a quarter of the request's CPU under load
 * (docs/performance-history.md, "The card read in the group commit"). Checked on the statements
 * SQLite runs while concurrent cached calls are answered.
 */
import { afterEach, describe, expect, it } from "vitest";
import { sqliteStatements } from "../helpers/sqlite-statements.js";
import { createTestApp, type TestApp } from "../helpers/test-app.js";

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
    const reads = await sqliteStatements(/"logins"/, async () => {
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

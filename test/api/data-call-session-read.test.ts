/**
 * A data call's read of its session and card (SessionStore.findWithCard) is answered again
 * without SQLite while the store has not changed since (storage/unchanged-reads.ts): repeated
 * calls read once, and every change — this process's own writes, or a commit by another
 * connection, as another worker process makes — is seen by the next call.
 */
import { join } from "node:path";
import Sqlite from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { sqliteStatements } from "../helpers/sqlite-statements.js";
import { createTestApp, type TestApp } from "../helpers/test-app.js";

describe("a data call's session read", () => {
  let t: TestApp;
  afterEach(async () => {
    await t.close();
  });

  async function connected(): Promise<{ requestId: string; loginId: string }> {
    t = await createTestApp({ store: "sqlite", runJobs: false });
    const connection = await t.connect();
    await t.deps.runner.runUntilIdle();
    return { requestId: connection.RequestId, loginId: connection.Login.Id };
  }

  const detail = (requestId: string) => t.post("GetAccountsDetail", { RequestId: requestId }, t.apiKeyHeaders());

  it("runs once for repeated calls while nothing is written", async () => {
    const { requestId, loginId } = await connected();
    const calls = 5;
    const answers: Array<{ statusCode: number; loginId: string }> = [];
    const reads = await sqliteStatements(/from "sessions"/, async () => {
      for (let call = 0; call < calls; call++) {
        const reply = await detail(requestId);
        answers.push({ statusCode: reply.statusCode, loginId: reply.json().Login?.Id });
      }
    });
    expect(answers).toEqual(Array.from({ length: calls }, () => ({ statusCode: 200, loginId })));
    expect(reads).toHaveLength(1);
  });

  it("sees a session deleted by another connection on the next call", async () => {
    const { requestId } = await connected();
    expect((await detail(requestId)).statusCode).toBe(200);

    const otherProcess = new Sqlite(join(t.dataDir, "bankgate.sqlite"));
    try {
      expect(otherProcess.prepare("delete from sessions where request_id = ?").run(requestId).changes).toBe(1);
    } finally {
      otherProcess.close();
    }

    const reply = await detail(requestId);
    expect(reply.json().FlinksCode).toBe("SESSION_NONEXISTENT");
  });

  it("sees this process's own DeleteCard on the next call", async () => {
    const { requestId, loginId } = await connected();
    expect((await detail(requestId)).statusCode).toBe(200);

    const removal = await t.app.inject({ method: "DELETE", url: t.path(`DeleteCard/${loginId}`), headers: t.apiKeyHeaders() });
    expect(removal.statusCode).toBe(200);

    const reply = await detail(requestId);
    expect(reply.json().FlinksCode).toBe("SESSION_NONEXISTENT");
  });
});

/**
 * HTTP timeouts and the connection cap (src/api/plumbing/http-limits.ts) on a real listening
 * server on 127.0.0.1: raw sockets that open and say nothing, stop mid-headers or sit idle
 * after an answer are closed by the server; past the cap a new connection is closed unanswered
 * while the open ones keep working.
 */
import { connect, type Socket } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config/config.js";
import { createTestApp, type TestApp } from "../helpers/test-app.js";

/** Bound on any wait for the server to close a socket (the timeouts below are 1 s). */
const CLOSE_BOUND_MS = 10_000;

interface RawConnection {
  socket: Socket;
  /** Everything the server sent, once it closed the connection. */
  closed: Promise<string>;
  /** Resolves with what arrived once `text` is in it `times` times (or the connection closed). */
  received(text: string, times?: number): Promise<string>;
}

function open(port: number): Promise<RawConnection> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1");
    let data = "";
    const count = (text: string) => data.split(text).length - 1;
    const waiters: Array<{ text: string; times: number; wake(data: string): void }> = [];
    socket.on("data", (chunk) => {
      data += chunk.toString();
      for (const waiter of waiters.filter((w) => count(w.text) >= w.times)) waiter.wake(data);
    });
    const closed = new Promise<string>((done, fail) => {
      const timer = setTimeout(() => fail(new Error(`the server did not close the socket within ${CLOSE_BOUND_MS} ms`)), CLOSE_BOUND_MS);
      socket.on("close", () => {
        clearTimeout(timer);
        done(data);
      });
    });
    closed.catch(() => {});
    socket.on("error", () => {});
    socket.once("connect", () =>
      resolve({
        socket,
        closed,
        received: (text, times = 1) =>
          count(text) >= times
            ? Promise.resolve(data)
            : Promise.race([new Promise<string>((wake) => waiters.push({ text, times, wake })), closed]),
      }),
    );
    socket.once("error", reject);
  });
}

const HEALTH = "GET /health HTTP/1.1\r\nHost: bankgate\r\n\r\n";

/** The first line the server sent on a connection, or "(nothing)". */
const statusLineOf = (received: string) => (received === "" ? "(nothing)" : received.split("\r\n")[0]);

describe("HTTP timeouts and connection cap (real listening server)", () => {
  let t: TestApp | null = null;
  afterEach(async () => {
    await t?.close();
    t = null;
  });

  async function listening(env: Record<string, string>): Promise<number> {
    t = await createTestApp({ env });
    await t.app.listen({ port: 0, host: "127.0.0.1" });
    const address = t.app.server.address();
    if (address === null || typeof address === "string") throw new Error("not listening on TCP");
    return address.port;
  }

  it("closes a connection that never sends a byte, one that stops mid-headers, and one idle after its answer", async () => {
    const port = await listening({
      BANKGATE_HTTP_HEADERS_TIMEOUT_SECONDS: "1",
      BANKGATE_HTTP_REQUEST_TIMEOUT_SECONDS: "1",
      BANKGATE_HTTP_KEEP_ALIVE_TIMEOUT_SECONDS: "1",
    });
    const silent = await open(port);
    const partial = await open(port);
    partial.socket.write("GET /health HTTP/1.1\r\nHost: bank");
    const keptAlive = await open(port);
    keptAlive.socket.write(HEALTH);
    expect(await keptAlive.received('"status":"ok"')).toMatch(/^HTTP\/1\.1 200/);

    // Node answers 408 when its periodic headers check comes first; otherwise the connection
    // just closes. Either way nothing else is sent.
    const timedOut = ["(nothing)", "HTTP/1.1 408 Request Timeout"];
    expect(timedOut).toContain(statusLineOf(await silent.closed));
    expect(timedOut).toContain(statusLineOf(await partial.closed));
    expect(await keptAlive.closed).toMatch(/^HTTP\/1\.1 200/);
  });

  it("past the connection cap a new connection is closed unanswered; the open ones keep working", async () => {
    const port = await listening({ BANKGATE_HTTP_MAX_CONNECTIONS: "3" });
    const held = [await open(port), await open(port), await open(port)];
    for (const connection of held) {
      connection.socket.write(HEALTH);
      await connection.received('"status":"ok"');
    }
    const refused = await open(port);
    refused.socket.write(HEALTH);
    expect(await refused.closed).toBe("");

    const [first] = held;
    first?.socket.write(HEALTH);
    expect((await first?.received('"status":"ok"', 2))?.match(/HTTP\/1\.1 200/g)).toHaveLength(2);
    for (const connection of held) connection.socket.destroy();
  });

  it("refuses a headers timeout longer than the request timeout (Node would throw at start)", () => {
    expect(() => loadConfig({ BANKGATE_HTTP_HEADERS_TIMEOUT_SECONDS: "40", BANKGATE_HTTP_REQUEST_TIMEOUT_SECONDS: "30" })).toThrow(
      /BANKGATE_HTTP_HEADERS_TIMEOUT_SECONDS must not exceed BANKGATE_HTTP_REQUEST_TIMEOUT_SECONDS/,
    );
  });
});

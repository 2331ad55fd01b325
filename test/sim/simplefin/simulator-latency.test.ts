import { request } from "node:http";
import Fastify from "fastify";
import { describe, expect, it } from "vitest";
import { ManualClock } from "../../../src/lib/clock.js";
import { simpleFinSimulator } from "../../../src/sim/simplefin/simplefin-simulator.js";

/** Hanging and slow answers never hold the simulator open: closing it ends them. */
describe("the simulator's slow and hanging answers", () => {
  it.each(["hanging", "slow"])("%s: a request in flight ends with 503 when the server closes", async (scenario) => {
    const clock = new ManualClock();
    const app = Fastify(); // no forceCloseConnections: the plugin itself must let go
    let root = "";
    await app.register(simpleFinSimulator, { prefix: "/simplefin", baseUrl: () => root, clock });
    const origin = await app.listen({ host: "127.0.0.1", port: 0 });
    root = `${origin}/simplefin`;
    const token = (await app.inject({ method: "POST", url: `/simplefin/create?scenario=${scenario}` })).body;
    const claimed = await app.inject({ method: "POST", url: new URL(Buffer.from(token, "base64").toString()).pathname });
    const access = new URL(claimed.body);

    const status = new Promise<number>((resolve, reject) => {
      const outgoing = request(
        `${origin}/simplefin/accounts`,
        { auth: `${access.username}:${access.password}`, agent: false },
        (response) => {
          response.resume();
          resolve(response.statusCode ?? 0);
        },
      );
      outgoing.on("error", reject);
      outgoing.end();
    });
    await new Promise<void>((resolve) => app.server.once("request", () => setImmediate(resolve)));
    await app.close();
    expect(await status).toBe(503);
  });
});

import { createServer, type Server } from "node:http";
import type { AddressInfo, LookupFunction } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isAllowedAddress, strictAddressPolicy } from "../../src/connectors/http/address-policy.js";
import { GuardedHttpClient } from "../../src/connectors/http/guarded-http-client.js";
import { HttpError } from "../../src/connectors/http/http-client.js";

/** A resolver with fixed answers, so the checks after DNS can be tried without a network. */
function fakeResolver(answers: Record<string, string[]>): LookupFunction {
  return ((hostname: string, _options: unknown, callback: (e: Error | null, a: unknown) => void) => {
    const addresses = answers[hostname];
    if (!addresses) return callback(Object.assign(new Error(`ENOTFOUND ${hostname}`), { code: "ENOTFOUND" }), []);
    callback(
      null,
      addresses.map((address) => ({ address, family: address.includes(":") ? 6 : 4 })),
    );
  }) as unknown as LookupFunction;
}

async function refusal(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof HttpError) return error.kind;
    throw error;
  }
  throw new Error("the request was not refused");
}

describe("address policy", () => {
  it.each([
    ["127.0.0.1", false],
    ["10.1.2.3", false],
    ["172.16.0.1", false],
    ["192.168.1.1", false],
    ["169.254.169.254", false],
    ["100.64.0.1", false],
    ["0.0.0.0", false],
    ["224.0.0.1", false],
    ["::1", false],
    ["fe80::1", false],
    ["fc00::1", false],
    ["::ffff:127.0.0.1", false],
    ["::ffff:10.0.0.1", false],
    ["not an address", false],
    ["93.184.216.34", true],
    ["2606:2800:220:1:248:1893:25c8:1946", true],
    ["::ffff:93.184.216.34", true],
  ])("%s allowed under the strict policy: %s", (address, allowed) => {
    expect(isAllowedAddress(address, strictAddressPolicy)).toBe(allowed);
  });
});

describe("GuardedHttpClient", () => {
  let server: Server;
  let origin = "";

  beforeAll(async () => {
    server = createServer((request, response) => {
      if (request.url === "/to-loopback-name") {
        response.writeHead(302, { location: "https://localhost.test/steal" }).end();
      } else if (request.url === "/to-plain-http") {
        response.writeHead(302, { location: "http://93.184.216.34/" }).end();
      } else if (request.url === "/loop") {
        response.writeHead(307, { location: "/loop" }).end();
      } else if (request.url === "/big") {
        response.end(Buffer.alloc(4096));
      } else {
        response.end(JSON.stringify({ method: request.method, authorization: request.headers.authorization ?? null }));
      }
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const strict = new GuardedHttpClient(
    strictAddressPolicy,
    fakeResolver({ "bank.test": ["10.0.0.7"], "mixed.test": ["93.184.216.34", "127.0.0.1"], "localhost.test": ["127.0.0.1"] }),
  );

  it("refuses plain HTTP, non-HTTP schemes and garbage under the strict policy", async () => {
    expect(await refusal(strict.request({ url: "http://93.184.216.34/", method: "GET" }))).toBe("bad-url");
    expect(await refusal(strict.request({ url: "file:///etc/passwd", method: "GET" }))).toBe("bad-url");
    expect(await refusal(strict.request({ url: "not a url", method: "GET" }))).toBe("bad-url");
  });

  it("refuses literal private addresses and names that resolve to one (any one of their answers)", async () => {
    expect(await refusal(strict.request({ url: "https://127.0.0.1/", method: "GET" }))).toBe("refused-address");
    expect(await refusal(strict.request({ url: "https://[::1]/", method: "GET" }))).toBe("refused-address");
    expect(await refusal(strict.request({ url: "https://169.254.169.254/latest/meta-data/", method: "GET" }))).toBe("refused-address");
    expect(await refusal(strict.request({ url: "https://bank.test/", method: "GET" }))).toBe("refused-address");
    expect(await refusal(strict.request({ url: "https://mixed.test/", method: "GET" }))).toBe("refused-address");
  });

  it("checks every redirect: a trusted origin cannot bounce a request to loopback or plain HTTP", async () => {
    const client = new GuardedHttpClient(
      { ...strictAddressPolicy, trustedOrigins: [origin] },
      fakeResolver({ "localhost.test": ["127.0.0.1"] }),
    );
    expect(await refusal(client.request({ url: `${origin}/to-loopback-name`, method: "GET" }))).toBe("refused-address");
    expect(await refusal(client.request({ url: `${origin}/to-plain-http`, method: "GET" }))).toBe("bad-url");
    expect(await refusal(client.request({ url: `${origin}/loop`, method: "GET" }))).toBe("too-many-redirects");
  });

  it("sends URL credentials as Basic auth, bounds the body, and reports the final URL without them", async () => {
    const client = new GuardedHttpClient({ allowHttp: true, allowPrivateAddresses: true });
    const withUser = origin.replace("http://", "http://user%40x:p%3Ass@");
    const response = await client.request({ url: `${withUser}/echo`, method: "POST", body: "{}" });
    expect(JSON.parse(response.body.toString())).toEqual({
      method: "POST",
      authorization: `Basic ${Buffer.from("user@x:p:ss").toString("base64")}`,
    });
    expect(response.url).toBe(`${origin}/echo`);
    expect(await refusal(client.request({ url: `${origin}/big`, method: "GET", maxResponseBytes: 1024 }))).toBe("too-large");
  });
});

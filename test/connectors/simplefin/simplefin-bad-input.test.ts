import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { strictAddressPolicy } from "../../../src/connectors/http/address-policy.js";
import { HttpError } from "../../../src/connectors/http/http-client.js";
import { failureOfRequestError } from "../../../src/connectors/simplefin/http-failure.js";
import type { InstitutionConnector } from "../../../src/connectors/types.js";
import { MemoryVault, type SimpleFinKit, startSimpleFinKit } from "./simplefin-kit.js";

/** Bad setup tokens and URLs a person (or an attacker) may type: each a clear catalogued failure, nothing sent where it must not go. */
let kit: SimpleFinKit;
let connector: InstitutionConnector;

beforeAll(async () => {
  kit = await startSimpleFinKit();
  connector = kit.connector();
});
afterAll(() => kit.close());

const token = (url: string) => Buffer.from(url, "utf8").toString("base64");
const login = (password: string, policy = undefined as Parameters<SimpleFinKit["context"]>[1]) =>
  connector.start({ username: "someone", password, language: "en" }, kit.context(new MemoryVault(), policy));

describe("setup tokens that are not", () => {
  it.each([
    ["malformed Base64", "%%%not-base64%%%"],
    ["Base64 of plain words", token("my bank password")],
    ["Base64 of a path", token("/simplefin/claim/abc")],
    ["Base64 of a file URL", token("file:///etc/passwd")],
    ["empty", ""],
    ["a 1 MB paste", "QUFB".repeat(250_000)],
  ])("%s: SETUP_TOKEN_INVALID before any request", async (_name, pasted) => {
    const before = kit.requests.length;
    expect(await login(pasted)).toEqual({ kind: "failed", code: "SETUP_TOKEN_INVALID" });
    expect(kit.requests.length).toBe(before);
  });

  it("an unknown claim token on the right server: SETUP_TOKEN_ALREADY_USED (the spec's 403)", async () => {
    expect(await login(token(`${kit.rootUrl}/claim/0123456789abcdef0123456789abcdef`))).toEqual({
      kind: "failed",
      code: "SETUP_TOKEN_ALREADY_USED",
    });
  });

  it("a URL that is no claim URL (404): SETUP_TOKEN_INVALID", async () => {
    expect(await login(token(`${kit.origin}/nothing/here`))).toEqual({ kind: "failed", code: "SETUP_TOKEN_INVALID" });
  });
});

describe("setup tokens pointing where a server must not go", () => {
  // Literal addresses: the address policy refuses them before any connection is made.
  it.each([
    ["loopback (another port than the trusted simulator)", "http://127.0.0.1:9/simplefin/claim/x"],
    ["loopback over HTTPS", "https://127.0.0.1/simplefin/claim/x"],
    ["IPv6 loopback", "https://[::1]/claim/x"],
    ["an IPv4-mapped loopback", "https://[::ffff:127.0.0.1]/claim/x"],
    ["a private network", "http://10.0.0.1/simplefin/claim/x"],
    ["the cloud metadata service", "http://169.254.169.254/latest/meta-data/"],
    ["CGNAT", "https://100.64.0.1/claim/x"],
  ])("%s: INSTITUTION_URL_REFUSED", async (_name, url) => {
    expect(await login(token(url))).toEqual({ kind: "failed", code: "INSTITUTION_URL_REFUSED" });
  });

  it("plain HTTP under the strict policy, even to a public address: INSTITUTION_URL_REFUSED", async () => {
    expect(await login(token("http://93.184.216.34/simplefin/claim/x"), strictAddressPolicy)).toEqual({
      kind: "failed",
      code: "INSTITUTION_URL_REFUSED",
    });
  });

  it("the simulator's own token under the strict policy (plain HTTP to loopback): INSTITUTION_URL_REFUSED, token unspent", async () => {
    const pasted = await kit.setupToken("ok");
    expect(await login(pasted, strictAddressPolicy)).toEqual({ kind: "failed", code: "INSTITUTION_URL_REFUSED" });
    expect((await login(pasted)).kind).toBe("authorized");
  });

  it("maps request errors: refused URLs clearly, the rest as RETRY_LATER", () => {
    expect(failureOfRequestError(new HttpError("bad-url", "x"))).toBe("INSTITUTION_URL_REFUSED");
    expect(failureOfRequestError(new HttpError("refused-address", "x"))).toBe("INSTITUTION_URL_REFUSED");
    for (const kind of ["timeout", "too-large", "too-many-redirects", "network"] as const) {
      expect(failureOfRequestError(new HttpError(kind, "x"))).toBe("RETRY_LATER");
    }
    expect(failureOfRequestError(new Error("boom"))).toBe("RETRY_LATER");
  });
});

describe("secrets", () => {
  it("never appear in results or connector state; the access URL lives only in the vault", async () => {
    const vault = new MemoryVault();
    const credentials = await kit.credentials("revoked");
    const results: unknown[] = [
      await connector.start(credentials, kit.context(vault)),
      await connector.fetchData(null, kit.context(vault)),
      await connector.start(credentials, kit.context(vault)),
    ];
    const accessUrl = (JSON.parse(vault.raw() ?? "{}") as { accessUrl: string }).accessUrl;
    const password = new URL(accessUrl).password;
    expect(password.length).toBeGreaterThan(10);
    const shown = JSON.stringify(results);
    for (const secret of [credentials.password, accessUrl, password, Buffer.from(credentials.password, "base64").toString()]) {
      expect(shown).not.toContain(secret);
    }
    expect(vault.raw()).not.toContain(credentials.password);
  });

  it("a vault holding something else than a card access is no access: RECONNECT_REQUIRED, not a crash", async () => {
    const vault = new MemoryVault();
    const base = {
      format: 1,
      tokenHashes: ["0".repeat(64)],
      claimedAt: "x",
      budget: { day: "x", used: 0 },
      protocol: null,
      revoked: false,
      lastFetchedAt: null,
    };
    for (const stored of [
      { ...base, accessUrl: "not a url" },
      { ...base, accessUrl: "https://no-credentials.example/" },
      { other: "thing" },
      "text",
    ]) {
      await vault.write(stored as never);
      expect(await connector.fetchData(null, kit.context(vault))).toEqual({ kind: "failed", code: "RECONNECT_REQUIRED" });
    }
  });

  it("a state from elsewhere is a wrong answer, not a crash", async () => {
    for (const state of [null, 42, "x", { step: "new-token" }, { step: "authorized" }]) {
      expect((await connector.answer({ q: ["a"] }, state as never, kit.context())).kind).toBe("failed");
    }
  });
});

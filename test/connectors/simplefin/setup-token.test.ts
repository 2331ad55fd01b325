import { describe, expect, it } from "vitest";
import { accessResourceUrl, parseAccessUrl } from "../../../src/connectors/simplefin/access-url.js";
import { accountsUrl } from "../../../src/connectors/simplefin/accounts-query.js";
import { decodeSetupToken, setupTokenHash, setupTokenLabel } from "../../../src/connectors/simplefin/setup-token.js";
import { demoClaimUrl, demoSetupToken } from "../../sim/simplefin/spec-examples.js";

const base64 = (text: string) => Buffer.from(text, "utf8").toString("base64");

describe("setup tokens", () => {
  it("decode the spec's demo token to its claim URL", () => {
    expect(decodeSetupToken(demoSetupToken)).toEqual({ kind: "claim-url", claimUrl: demoClaimUrl });
  });

  it("survive the line breaks and spaces of a copy-paste, and the URL-safe alphabet", () => {
    const broken = `  ${demoSetupToken.slice(0, 20)}\n${demoSetupToken.slice(20, 40)} \r\n${demoSetupToken.slice(40)}  `;
    expect(decodeSetupToken(broken)).toEqual({ kind: "claim-url", claimUrl: demoClaimUrl });
    const urlSafe = Buffer.from("https://bridge.example/claim/??>>", "utf8").toString("base64url");
    expect(decodeSetupToken(urlSafe)).toEqual({ kind: "claim-url", claimUrl: "https://bridge.example/claim/??%3E%3E" });
  });

  it.each([
    ["empty", ""],
    ["only spaces", "   \n "],
    ["not Base64", "not a token!"],
    ["Base64 of words", base64("hello world")],
    ["Base64 of a relative path", base64("/claim/abc")],
    ["Base64 of another scheme", base64("ftp://bridge.example/claim/abc")],
    ["Base64 of javascript:", base64("javascript:alert(1)")],
    ["Base64 of a URL with a line break", base64("https://bridge.example/claim/a\nb")],
    ["Base64 of invalid UTF-8", Buffer.from([0xff, 0xfe, 0x68, 0x74]).toString("base64")],
    ["far too long", "A".repeat(5000)],
  ])("refuse %s", (_name, token) => {
    expect(decodeSetupToken(token)).toEqual({ kind: "invalid" });
  });

  it("fingerprint and label a token the same way however it was pasted, without showing it", () => {
    const hash = setupTokenHash(demoSetupToken);
    expect(setupTokenHash(` ${demoSetupToken}\n`)).toBe(hash);
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(setupTokenHash(base64("https://bridge.example/claim/other"))).not.toBe(hash);
    expect(setupTokenLabel(demoSetupToken)).toMatch(/^simplefin-[0-9a-f]{12}$/);
    expect(setupTokenLabel(`${demoSetupToken}\n`)).toBe(setupTokenLabel(demoSetupToken));
    expect(hash).not.toContain(setupTokenLabel(demoSetupToken).slice(10));
  });
});

describe("access URLs", () => {
  it("keep the Basic credentials and drop a trailing slash", () => {
    expect(parseAccessUrl(" https://user123:pass456@bridge.simplefin.org/simplefin/\n")).toBe(
      "https://user123:pass456@bridge.simplefin.org/simplefin",
    );
  });

  it.each([
    ["no credentials", "https://bridge.simplefin.org/simplefin"],
    ["no password", "https://user@bridge.simplefin.org/simplefin"],
    ["a query", "https://u:p@bridge.simplefin.org/simplefin?x=1"],
    ["another scheme", "ftp://u:p@bridge.simplefin.org/"],
    ["HTML", "<html>Forbidden</html>"],
    ["empty", ""],
  ])("refuse an answer with %s", (_name, text) => {
    expect(parseAccessUrl(text)).toBeNull();
  });

  it("put resources under the access URL's path", () => {
    expect(accessResourceUrl("https://u:p@bridge.example/simplefin", "info").href).toBe("https://u:p@bridge.example/simplefin/info");
  });

  it("build every /accounts parameter: version, epoch-second dates, pending, repeated account, balances-only", () => {
    const url = new URL(
      accountsUrl("https://u:p@bridge.example/simplefin", {
        version2: true,
        startDate: new Date("2026-01-01T00:00:00.900Z"),
        endDate: new Date("2026-01-15T00:00:00Z"),
        pending: true,
        accountIds: ["ACT-1", "ACT 2&x"],
        balancesOnly: true,
      }),
    );
    expect(url.pathname).toBe("/simplefin/accounts");
    expect(url.username).toBe("u");
    expect([...url.searchParams]).toEqual([
      ["version", "2"],
      ["start-date", "1767225600"],
      ["end-date", "1768435200"],
      ["pending", "1"],
      ["account", "ACT-1"],
      ["account", "ACT 2&x"],
      ["balances-only", "1"],
    ]);
    expect(new URL(accountsUrl("https://u:p@bridge.example/simplefin", { version2: false })).search).toBe("");
  });
});

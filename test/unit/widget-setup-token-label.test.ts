import { webcrypto } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { setupTokenLabel as serverLabel } from "../../src/connectors/simplefin/setup-token.js";
import { InsecurePageError, setupTokenLabel as widgetLabel } from "../../widget/src/setup-token-label.js";

/** The widget's SubtleCrypto, played by node's WebCrypto (the same API the browser has). */
const subtle = webcrypto.subtle as unknown as SubtleCrypto;
const claimToken = (url: string) => Buffer.from(url, "utf8").toString("base64");

/**
 * The Connect widget derives a SimpleFIN card's username from the pasted setup token in the
 * browser; the server derives the same one for API clients and recognises the card by it. The
 * two must never differ, or the same token would open a second card.
 */
describe("the widget's setup-token label", () => {
  it("equals the server's for real-looking tokens, pasted cleanly or with line breaks and spaces", async () => {
    const tokens = [
      claimToken("https://bridge.simplefin.org/simplefin/claim/DEMO-v2-1C3B6D5B4F1E2A3C"),
      claimToken("http://127.0.0.1:4100/sim/simplefin/claim/0f3c2b1a9e8d7c6b5a4f3e2d1c0b9a88"),
      `  ${claimToken("https://beta-bridge.simplefin.org/simplefin/claim/abc").replace(/(.{20})/g, "$1\r\n")}\t`,
      "not a token at all",
      "",
    ];
    for (const token of tokens) {
      const label = await widgetLabel(token, subtle);
      expect(label).toMatch(/^simplefin-[0-9a-f]{12}$/);
      expect(label, token).toBe(serverLabel(token));
    }
  });

  it("pins one value, so a change to either side's recipe cannot pass unnoticed", async () => {
    // `printf 'bankgate simplefin label\n%s' aHR0cHM6Ly9leGFtcGxlLmNvbS9jbGFpbS8x | sha256sum` starts with 441fa3a4603d.
    const token = "aHR0cHM6Ly9leGFtcGxlLmNvbS9jbGFpbS8x";
    const expected = "simplefin-441fa3a4603d";
    expect(await widgetLabel(token, subtle)).toBe(expected);
    expect(serverLabel(token)).toBe(expected);
  });

  it("ignores whitespace the same way: the same token pasted differently is the same card", async () => {
    const token = claimToken("https://example.com/claim/42");
    const spaced = token.replace(/(.{7})/g, "$1 \n");
    expect(await widgetLabel(spaced, subtle)).toBe(await widgetLabel(token, subtle));
  });

  it("equals the server's for any text, Unicode and lone surrogates included", async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: "binary", maxLength: 300 }), async (text) => {
        expect(await widgetLabel(text, subtle)).toBe(serverLabel(text));
      }),
      { numRuns: 300 },
    );
  });

  it("refuses to run without SubtleCrypto (a page not served over HTTPS)", async () => {
    await expect(widgetLabel("token", null)).rejects.toBeInstanceOf(InsecurePageError);
  });
});

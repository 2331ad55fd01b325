import { createHash } from "node:crypto";

/** A pasted setup token: the claim URL it holds, or nothing usable. */
export type DecodedSetupToken = { kind: "claim-url"; claimUrl: string } | { kind: "invalid" };

/** Real tokens are about 100 characters; anything far longer is not one (and is not decoded). */
const MAX_TOKEN_CHARS = 4096;
const BASE64 = /^[A-Za-z0-9+/_-]+={0,2}$/;
const STRICT_UTF8 = new TextDecoder("utf-8", { fatal: true });

/**
 * A SimpleFIN setup token is the Base64 of a claim URL (simplefin.org/protocol.html, "Claim the
 * Access URL"). People paste it from a page or an e-mail, so line breaks and spaces inside are
 * dropped first; both Base64 alphabets are accepted. The decoded text must be valid UTF-8 and an
 * absolute http(s) URL without control characters — whether that URL may be reached is the
 * address policy's call, at the claim.
 */
export function decodeSetupToken(pasted: string): DecodedSetupToken {
  const token = normalizeSetupToken(pasted);
  if (token.length === 0 || token.length > MAX_TOKEN_CHARS || !BASE64.test(token)) return { kind: "invalid" };
  let text: string;
  try {
    text = STRICT_UTF8.decode(Buffer.from(token.replace(/-/g, "+").replace(/_/g, "/"), "base64")).trim();
  } catch {
    return { kind: "invalid" };
  }
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this refuses
  if (text.length === 0 || /[\u0000-\u001f\u007f\s]/.test(text)) return { kind: "invalid" };
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return { kind: "invalid" };
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") return { kind: "invalid" };
  return { kind: "claim-url", claimUrl: url.href };
}

/**
 * A one-way fingerprint of a token, kept in the card's vault next to the access URL it was
 * claimed for: a later login with the same token (a retry after a crash, a refresh with the
 * stored credentials) is recognised without claiming again. Never the token itself.
 */
export function setupTokenHash(pasted: string): string {
  return createHash("sha256")
    .update(`bankgate simplefin setup token\n${normalizeSetupToken(pasted)}`)
    .digest("hex");
}

/**
 * A username for a card connected with only a setup token (the Connect widget's one-field
 * form): derived from the token, so the same token always lands on the same card, and short
 * enough to read. It reveals nothing usable: the token is single-use and already claimed.
 */
export function setupTokenLabel(pasted: string): string {
  const digest = createHash("sha256")
    .update(`bankgate simplefin label\n${normalizeSetupToken(pasted)}`)
    .digest("hex");
  return `simplefin-${digest.slice(0, 12)}`;
}

function normalizeSetupToken(pasted: string): string {
  return pasted.replace(/\s+/g, "");
}

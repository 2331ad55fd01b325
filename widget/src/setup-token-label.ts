/**
 * The username of a card connected with a SimpleFIN setup token alone (an institution whose
 * `loginForm.username` is "derived"): "simplefin-" and the first 12 hex digits of
 * SHA-256("bankgate simplefin label\n" + the token without whitespace). The server's
 * `setupTokenLabel` (src/connectors/simplefin/setup-token.ts) computes the same, so the same
 * token always lands on the same card; test/unit/widget-setup-token-label.test.ts holds the two
 * together. SubtleCrypto is the browser's own SHA-256: no library to ship.
 */
export async function setupTokenLabel(pasted: string, subtle: SubtleCrypto | null = globalThis.crypto?.subtle ?? null): Promise<string> {
  // Only in a secure context (HTTPS or loopback); the caller shows why the form cannot work.
  if (!subtle) throw new InsecurePageError();
  const bytes = new TextEncoder().encode(`bankgate simplefin label\n${normalizeSetupToken(pasted)}`);
  const digest = new Uint8Array(await subtle.digest("SHA-256", bytes));
  const hex = Array.from(digest.subarray(0, 6), (byte) => byte.toString(16).padStart(2, "0")).join("");
  return `simplefin-${hex}`;
}

/** People paste tokens from pages and e-mails: line breaks and spaces inside are not part of them. */
export function normalizeSetupToken(pasted: string): string {
  return pasted.replace(/\s+/g, "");
}

export class InsecurePageError extends Error {
  constructor() {
    super("SubtleCrypto is only available to pages served over HTTPS");
    this.name = "InsecurePageError";
  }
}

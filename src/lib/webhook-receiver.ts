/** Shortest signing secret accepted: an HMAC key any shorter is guessable. */
export const MIN_WEBHOOK_SECRET_LENGTH = 16;

/** Longest receiver URL accepted; longer ones are refused, never truncated. */
const MAX_URL_LENGTH = 2048;

/**
 * Checks a receiver URL and returns it normalized, or the reason it is refused. Only http(s);
 * no credentials in the URL (they would end up in logs); no control characters (WHATWG
 * parsing silently drops tabs and newlines, so the raw text is checked first). Private and
 * loopback addresses are allowed on purpose: self-hosted receivers often run next to
 * bankgate (docs/decisions.md, "Webhooks").
 */
export function checkWebhookUrl(raw: string): { url: string } | { refused: string } {
  if (raw.length > MAX_URL_LENGTH) return { refused: `the URL is longer than ${MAX_URL_LENGTH} characters` };
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what is refused
  if (/[\u0000-\u001f\u007f\s]/.test(raw)) return { refused: "the URL contains spaces or control characters" };
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { refused: "the URL is not an absolute URL" };
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") return { refused: "only http and https URLs are accepted" };
  if (url.username !== "" || url.password !== "") return { refused: "the URL must not carry credentials" };
  if (url.hostname === "") return { refused: "the URL has no host" };
  return { url: url.href };
}

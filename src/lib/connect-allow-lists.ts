/**
 * The Connect widget's allow-lists (quality bar S6, docs/quality-bars.md). A `redirectUrl` is allowed only when it
 * equals, character for character, a URL the customer registered; a parent origin only when
 * it equals a registered origin. No normalization, no prefix or suffix matching: every look-
 * alike (`https://good.example@evil.example`, `https://good.example.evil.example`, a trailing
 * dot, another port or scheme, `..`, encoded slashes, Unicode hosts, CRLF) is simply not equal.
 * Registered entries are canonical (checked by the `assert…` functions when they are
 * configured), so an equal candidate is a well-formed http(s) URL too.
 */

/** A candidate longer than this is refused without comparing (an 8 KB URL is an attack, not a landing page). */
export const MAX_REDIRECT_URL_LENGTH = 2048;

export function isAllowedRedirectUrl(candidate: string, allowed: readonly string[]): boolean {
  return candidate.length <= MAX_REDIRECT_URL_LENGTH && allowed.includes(candidate);
}

export function isAllowedOrigin(candidate: string, allowed: readonly string[]): boolean {
  return allowed.includes(candidate);
}

/**
 * A registrable redirect URL: absolute http(s), no credentials, no fragment, no control
 * characters, and already in the WHATWG canonical form (so what the customer registers is
 * exactly what a browser would send). Returns the reason it is refused, or null.
 */
export function redirectUrlProblem(url: string): string | null {
  if ([...url].some((c) => c <= " " || c === "\u007f")) return "contains whitespace or control characters";
  if (url.length > MAX_REDIRECT_URL_LENGTH) return `is longer than ${MAX_REDIRECT_URL_LENGTH} characters`;
  const parsed = parseUrl(url);
  if (!parsed) return "is not an absolute URL";
  if (parsed.protocol !== "https:" && parsed.protocol !== "http:") return "is not http or https";
  if (parsed.username || parsed.password) return "carries credentials";
  if (parsed.hash) return "has a fragment";
  if (parsed.href !== url) return `is not in canonical form (${parsed.href})`;
  return null;
}

/** A registrable origin: `scheme://host[:port]` exactly as `URL.origin` writes it. */
export function originProblem(origin: string): string | null {
  const parsed = parseUrl(origin);
  if (!parsed || (parsed.protocol !== "https:" && parsed.protocol !== "http:")) return "is not an http(s) origin";
  if (parsed.origin !== origin) return `is not in canonical origin form (${parsed.origin})`;
  return null;
}

function parseUrl(url: string): URL | null {
  try {
    return new URL(url);
  } catch {
    return null;
  }
}

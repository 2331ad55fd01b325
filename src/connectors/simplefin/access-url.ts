const MAX_ACCESS_URL_CHARS = 2048;

/**
 * The claim's answer, if it is an access URL: an absolute http(s) URL carrying the Basic
 * credentials (`https://user:pass@host/path`), without a query or fragment, since resources are
 * appended to its path. Returned normalized (no trailing slash), or null.
 */
export function parseAccessUrl(text: string): string | null {
  const trimmed = text.trim();
  if (trimmed.length === 0 || trimmed.length > MAX_ACCESS_URL_CHARS) return null;
  let url: URL;
  try {
    url = new URL(trimmed);
  } catch {
    return null;
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") return null;
  if (!url.username || !url.password || url.search || url.hash) return null;
  return url.href.replace(/\/+$/, "");
}

/** `{access}/{resource}` with the access URL's credentials kept (the HTTP client turns them into a Basic header). */
export function accessResourceUrl(accessUrl: string, resource: "info" | "accounts"): URL {
  const url = new URL(accessUrl);
  url.pathname = `${url.pathname.replace(/\/+$/, "")}/${resource}`;
  return url;
}

/** The username and password of an `Authorization: Basic …` header, or null. */
export function basicCredentials(header: string | undefined): { username: string; password: string } | null {
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header ?? "");
  if (!match?.[1]) return null;
  const pair = Buffer.from(match[1], "base64").toString("utf8");
  const colon = pair.indexOf(":");
  if (colon <= 0) return null;
  return { username: pair.slice(0, colon), password: pair.slice(colon + 1) };
}

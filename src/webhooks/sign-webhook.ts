import { createHmac } from "node:crypto";

/**
 * base64(HMAC-SHA256(secret as UTF-8, the exact raw body)) — Flinks' `flinks-authenticity-key`
 * (https://docs.flinks.com/reference/hmac).
 */
export function signWebhook(secret: string, rawBody: string): string {
  return createHmac("sha256", Buffer.from(secret, "utf8")).update(Buffer.from(rawBody, "utf8")).digest("base64");
}

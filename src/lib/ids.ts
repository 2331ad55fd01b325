import { createHash, createHmac, randomUUID } from "node:crypto";

/** RequestIds, tokens and new LoginIds: random v4 UUIDs (122 random bits, unguessable). */
export const newRandomId: () => string = randomUUID;

/**
 * A stable UUID from a keyed hash of `parts` (RFC 9562 version 8, "custom"): AccountIds and
 * TransactionIds stay the same across refreshes without storing a mapping, and nobody
 * without the key can link them to the institution's own numbers.
 */
export function deriveId(key: Buffer, ...parts: string[]): string {
  const bytes = createHmac("sha256", key).update(parts.join("\u0000")).digest().subarray(0, 16);
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x80;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = bytes.toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** Keyed hash for lookups of sensitive values (usernames) that must never sit in an index in clear. */
export function keyedHash(key: Buffer, ...parts: string[]): string {
  return createHmac("sha256", key).update(parts.join("\u0000")).digest("hex");
}

/** Unkeyed hash for random high-entropy secrets (API keys, tokens): enough to not store them in clear. */
export function sha256Hex(value: string): string {
  return createHash("sha256").update(value, "utf8").digest("hex");
}

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: string): boolean {
  return UUID_PATTERN.test(value);
}

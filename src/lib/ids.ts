import { createHmac, hash, randomUUID } from "node:crypto";

/** Tokens, LoginIds, customer ids: random v4 UUIDs (122 random bits, unguessable). */
export const newRandomId: () => string = randomUUID;

/**
 * RequestIds and the ids of rows written in bulk (jobs, snapshots, webhook events): version 7
 * UUIDs (RFC 9562), a millisecond timestamp then 74 random bits, still unguessable. A new row
 * then lands at the end of its id index instead of at a random page of it: at 100,000
 * sessions a group commit of ten cached /Authorize sessions cost a third of the CPU and of
 * the pages written (docs/performance.md). Built from a v4 UUID (Node's pooled randomness,
 * whose variant bits v7 shares) by writing the time over its first 48 bits and the version.
 */
export function newTimeOrderedId(now: number = Date.now()): string {
  const time = now.toString(16).padStart(12, "0");
  const random = randomUUID();
  return `${time.slice(0, 8)}-${time.slice(8, 12)}-7${random.slice(15)}`;
}

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
  // The one-shot form: a fifth of createHash's cost, and every request hashes its key or token.
  return hash("sha256", value, "hex");
}

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: string): boolean {
  return UUID_PATTERN.test(value);
}

/**
 * Ids OFX asks a client to make up (CLIENTUID, TRNUID, NEWFILEUID): a version-4 UUID drawn
 * from the context's random source, so tests can pin them and production uses node:crypto.
 */
export function randomUuid(randomInt: (max: number) => number): string {
  const bytes = Array.from({ length: 16 }, () => randomInt(256));
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x40;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = bytes.map((b) => b.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`.toUpperCase();
}

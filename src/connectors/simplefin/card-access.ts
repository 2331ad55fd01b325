import { Type } from "typebox";
import { compiledOnFirstUse } from "../../lib/compiled-on-first-use.js";
import type { CardVault, Json } from "../types.js";
import { parseAccessUrl } from "./access-url.js";

/**
 * What the card's vault holds for SimpleFIN: the access URL (a secret: it carries the Basic
 * credentials) and what belongs with it. Written before a claim's result is returned, so a
 * crash after the one-time claim loses nothing.
 */
export interface CardAccess {
  format: 1;
  accessUrl: string;
  /** Fingerprints of every setup token this card claimed, oldest first (setup-token.ts). */
  tokenHashes: string[];
  claimedAt: string;
  /** Requests made to this access URL on one UTC day (the daily budget). */
  budget: { day: string; used: number };
  /** The protocol major version the card's keys were first built from; kept so keys never switch. */
  protocol: "1" | "2" | null;
  /** The server refused the access (403, gen.auth): the next login asks for a new setup token. */
  revoked: boolean;
  /** The last time data was fetched: a card with data keeps serving it while the budget is spent. */
  lastFetchedAt: string | null;
}

/**
 * The stored logins of a card keep the first token it was connected with, while a reconnect
 * through the 203 claims others: every one must stay recognised, so the first is never dropped.
 */
const MAX_TOKEN_HASHES = 16;

const CardAccessSchema = Type.Object({
  format: Type.Literal(1),
  accessUrl: Type.String({ minLength: 1 }),
  tokenHashes: Type.Array(Type.String({ pattern: "^[0-9a-f]{64}$" }), { minItems: 1, maxItems: MAX_TOKEN_HASHES }),
  claimedAt: Type.String(),
  budget: Type.Object({ day: Type.String(), used: Type.Integer({ minimum: 0 }) }),
  protocol: Type.Union([Type.Literal("1"), Type.Literal("2"), Type.Null()]),
  revoked: Type.Boolean(),
  lastFetchedAt: Type.Union([Type.String(), Type.Null()]),
});
const checkCardAccess = compiledOnFirstUse(CardAccessSchema);

/** The card's access, or null when it has none (or what is there is not ours to read). */
export async function readCardAccess(vault: CardVault): Promise<CardAccess | null> {
  const stored = await vault.read();
  if (!checkCardAccess(stored)) return null;
  const access = stored as CardAccess;
  return parseAccessUrl(access.accessUrl) === access.accessUrl ? access : null;
}

export function writeCardAccess(vault: CardVault, access: CardAccess): Promise<void> {
  return vault.write(access as unknown as Json);
}

/** Whether `tokenHash` is one of the tokens this card claimed. */
export function isCardToken(access: CardAccess, tokenHash: string): boolean {
  return access.tokenHashes.includes(tokenHash);
}

/**
 * The card's access after claiming `tokenHash`: a fresh access URL starts a fresh budget and
 * clears a revocation; the protocol and the last fetch stay (same card, same keys).
 */
export function withClaimedAccess(previous: CardAccess | null, accessUrl: string, tokenHash: string, now: Date): CardAccess {
  const hashes = [...(previous?.tokenHashes ?? []).filter((h) => h !== tokenHash), tokenHash];
  // Over the limit, drop the oldest but the first: the stored credentials may still send it.
  while (hashes.length > MAX_TOKEN_HASHES) hashes.splice(1, 1);
  return {
    format: 1,
    accessUrl,
    tokenHashes: hashes,
    claimedAt: now.toISOString(),
    budget: { day: now.toISOString().slice(0, 10), used: 0 },
    protocol: previous?.protocol ?? null,
    revoked: false,
    lastFetchedAt: previous?.lastFetchedAt ?? null,
  };
}

import type { Clock } from "../lib/clock.js";
import { newRandomId, sha256Hex } from "../lib/ids.js";
import type { CallerScope } from "../records/customer.js";
import type { AuthorizeTokenStore } from "../storage/authorize-token-store.js";

/**
 * Tokens of sandbox scope (the demo page's) carry it in their text: the scope travels with
 * the token and is as trustworthy as the token itself, whose hash must still be found.
 */
const SANDBOX_TOKEN_PREFIX = "sandbox-";

/** The scope a presented authorize token gives its caller. */
export function tokenScope(token: string): CallerScope {
  return token.startsWith(SANDBOX_TOKEN_PREFIX) ? "sandbox" : "customer";
}

/** A fresh token of the given scope (not stored yet). */
export function newToken(scope: CallerScope): string {
  return scope === "sandbox" ? `${SANDBOX_TOKEN_PREFIX}${newRandomId()}` : newRandomId();
}

/** Issues single-use authorize tokens; only their hash is stored. */
export class AuthorizeTokenIssuer {
  constructor(
    private readonly tokens: AuthorizeTokenStore,
    private readonly clock: Clock,
    private readonly ttlSeconds: number,
  ) {}

  /** A customer-scope token (bought with the secret key), or a sandbox-scope one (the demo page's). */
  async issue(customerId: string, scope: CallerScope = "customer"): Promise<string> {
    const token = newToken(scope);
    const expiresAt = new Date(this.clock.now().getTime() + this.ttlSeconds * 1000);
    await this.tokens.insert(sha256Hex(token), customerId, expiresAt);
    return token;
  }
}

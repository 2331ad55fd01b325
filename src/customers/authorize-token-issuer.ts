import type { Clock } from "../lib/clock.js";
import { newRandomId, sha256Hex } from "../lib/ids.js";
import type { AuthorizeTokenStore } from "../storage/authorize-token-store.js";

/** Issues single-use authorize tokens; only their hash is stored. */
export class AuthorizeTokenIssuer {
  constructor(
    private readonly tokens: AuthorizeTokenStore,
    private readonly clock: Clock,
    private readonly ttlSeconds: number,
  ) {}

  async issue(customerId: string): Promise<string> {
    const token = newRandomId();
    const expiresAt = new Date(this.clock.now().getTime() + this.ttlSeconds * 1000);
    await this.tokens.insert(sha256Hex(token), customerId, expiresAt);
    return token;
  }
}

import { newToken } from "../customers/authorize-token-issuer.js";
import type { Caller } from "../customers/caller-auth.js";
import { ApiError } from "../errors/api-error.js";
import type { Clock } from "../lib/clock.js";
import { sha256Hex } from "../lib/ids.js";
import type { AuthorizeTokenStore } from "../storage/authorize-token-store.js";
import type { SessionStore } from "../storage/session-store.js";
import { isExpired } from "./transitions.js";

/**
 * The Connect widget's "start again" after a wrong password, an exhausted MFA session or an
 * expired RequestId: a token bound to a session that ended without authorization is traded
 * for a fresh one with the same expiry, so a page's lifetime never grows. An unused token is
 * answered as is.
 */
export class TokenRenewal {
  constructor(private readonly deps: { tokens: AuthorizeTokenStore; sessions: SessionStore; clock: Clock }) {}

  async renew(caller: Caller, presentedToken: string): Promise<string> {
    if (caller.proof.kind !== "token") throw new ApiError("ACCESS_DENIED");
    const { tokenHash } = caller.proof;
    const customerId = caller.customer.id;
    const now = this.deps.clock.now();
    const boundTo = await this.deps.tokens.boundRequestId(tokenHash, customerId, now);
    if (boundTo === undefined) throw new ApiError("ACCESS_DENIED");
    if (boundTo === null) return presentedToken;
    const session = await this.deps.sessions.find(customerId, boundTo);
    const ended = !session || isExpired(session, now) || session.state === "failed";
    if (!ended) {
      throw new ApiError("INVALID_REQUEST", { requestId: boundTo }, "The token's session is still open: resume it with its RequestId.");
    }
    const token = newToken(caller.scope);
    if (!(await this.deps.tokens.renew(tokenHash, customerId, boundTo, sha256Hex(token), now))) throw new ApiError("ACCESS_DENIED");
    return token;
  }
}

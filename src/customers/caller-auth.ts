import { ApiError } from "../errors/api-error.js";
import type { Clock } from "../lib/clock.js";
import { sha256Hex } from "../lib/ids.js";
import type { CallerScope, Customer } from "../records/customer.js";
import type { AuthorizeTokenStore } from "../storage/authorize-token-store.js";
import { tokenScope } from "./authorize-token-issuer.js";
import { type CustomerDirectory, matchesHash } from "./customer-directory.js";

/**
 * What a request presents, read from its headers by the API (names as Flinks uses them):
 * `x-api-key`, `Authorization: Bearer …` and `flinks-auth-key`, with the customerId of its path.
 */
export interface CallerCredentials {
  customerId: string;
  apiKey?: string;
  bearer?: string;
  authKey?: string;
}

/**
 * How a caller proved who it is:
 * - apiKey: `x-api-key: <API key>` or `Authorization: Bearer <API key>` (node-flinks' way), server-to-server
 * - token:  `flinks-auth-key: <authorize token>` from /GenerateAuthorizeToken (browser-facing flows)
 * - secretKey: the customer's secret key (issuing tokens, operator and sandbox endpoints)
 * - open:   the customer allows legacy clients that send nothing (the Python and Ruby clients)
 */
export type CallerProof = { kind: "apiKey" } | { kind: "token"; tokenHash: string } | { kind: "secretKey" } | { kind: "open" };

export interface Caller {
  customer: Customer;
  proof: CallerProof;
  scope: CallerScope;
}

/** Who is calling, and which sessions an authorize token may open or continue. */
export class CallerAuth {
  constructor(
    private readonly customers: CustomerDirectory,
    private readonly tokens: AuthorizeTokenStore,
    private readonly clock: Clock,
  ) {}

  /** The secret key in `flinks-auth-key` (/GenerateAuthorizeToken, operator and sandbox endpoints). */
  async withSecretKey(credentials: CallerCredentials): Promise<Caller> {
    return this.#secretKeyCaller(credentials.customerId, credentials.authKey, "UNAUTHORIZED");
  }

  /** GetNightlyRefreshStatus: `Authorization: Bearer <secret key>`, as Flinks documents it. */
  async withBearerSecretKey(credentials: CallerCredentials): Promise<Caller> {
    return this.#secretKeyCaller(credentials.customerId, credentials.bearer, "ACCESS_DENIED");
  }

  /**
   * Any accepted proof. A token is only recognised here; whether it may open or continue a
   * given session is decided by `assertTokenFor` once the RequestId is known. Unknown
   * customers and wrong keys answer identically.
   */
  async caller(credentials: CallerCredentials): Promise<Caller> {
    const customer = await this.customers.find(credentials.customerId);
    if (!customer) throw new ApiError("ACCESS_DENIED");
    const apiKey = credentials.apiKey ?? credentials.bearer;
    if (apiKey !== undefined) {
      if (matchesHash(apiKey, customer.apiKeyHash)) return { customer, proof: { kind: "apiKey" }, scope: "customer" };
      throw new ApiError("ACCESS_DENIED");
    }
    const token = credentials.authKey;
    if (token !== undefined) return { customer, proof: { kind: "token", tokenHash: sha256Hex(token) }, scope: tokenScope(token) };
    if (customer.authMode === "open") return { customer, proof: { kind: "open" }, scope: "sandbox" };
    throw new ApiError("ACCESS_DENIED");
  }

  /** Card management (DeleteCard…) is server-to-server: a token is not enough. */
  async serverCaller(credentials: CallerCredentials): Promise<Caller> {
    const caller = await this.caller(credentials);
    if (caller.proof.kind === "token") throw new ApiError("ACCESS_DENIED");
    return caller;
  }

  /** Operators' session view: the API key only. */
  async withApiKey(credentials: CallerCredentials): Promise<Caller> {
    const caller = await this.caller(credentials);
    if (caller.proof.kind !== "apiKey") throw new ApiError("ACCESS_DENIED");
    return caller;
  }

  /** A token opens one new session: bound to `requestId` now, refused for any other session. */
  async consumeTokenFor(caller: Caller, requestId: string): Promise<void> {
    if (caller.proof.kind !== "token") return;
    const consumed = await this.tokens.consume(caller.proof.tokenHash, caller.customer.id, requestId, this.clock.now());
    if (!consumed) throw new ApiError("ACCESS_DENIED");
  }

  /** A token on a data call must be the one bound to that session (it opened it, or an MFA round adopted it). */
  async assertTokenFor(caller: Caller, requestId: string): Promise<void> {
    if (caller.proof.kind !== "token") return;
    const bound = await this.tokens.isBoundTo(caller.proof.tokenHash, caller.customer.id, requestId, this.clock.now());
    if (!bound) throw new ApiError("ACCESS_DENIED");
  }

  /**
   * A call that continues a session: /Authorize with its RequestId (an MFA round, a poll) and
   * the widget's Resume. The token that opened the session is accepted, and so is a fresh,
   * unused token of the same customer, which is used up here and bound to this session: Flinks'
   * pages say both "send back the same token" and "generate a new token before each call to
   * /Authorize", and the widget's Resume and Mid-Session Reconnect come with a token the app
   * issued for that page load. `checkSession` runs before a fresh token is spent, so an
   * unknown, expired or unreachable session costs none (and a sandbox-scope token is never
   * bound to a real institution's session). Any other token is refused as before.
   */
  async adoptTokenFor(caller: Caller, requestId: string, checkSession: () => Promise<void>): Promise<void> {
    if (caller.proof.kind !== "token") return;
    const { tokenHash } = caller.proof;
    const customerId = caller.customer.id;
    const bound = await this.tokens.boundRequestId(tokenHash, customerId, this.clock.now());
    if (bound === requestId) return;
    if (bound !== null) throw new ApiError("ACCESS_DENIED");
    await checkSession();
    if (await this.tokens.consume(tokenHash, customerId, requestId, this.clock.now())) return;
    // The same fresh token on two calls at once: one binds it, and it is then this session's for both.
    if (!(await this.tokens.isBoundTo(tokenHash, customerId, requestId, this.clock.now()))) throw new ApiError("ACCESS_DENIED");
  }

  async #secretKeyCaller(customerId: string, secret: string | undefined, refusal: "UNAUTHORIZED" | "ACCESS_DENIED"): Promise<Caller> {
    const customer = await this.customers.find(customerId);
    if (!customer || !secret || !matchesHash(secret, customer.secretKeyHash)) throw new ApiError(refusal);
    return { customer, proof: { kind: "secretKey" }, scope: "customer" };
  }
}

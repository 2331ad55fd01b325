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

  /** A token on a call with a RequestId must be the one that opened that session (MFA rounds, data calls). */
  async assertTokenFor(caller: Caller, requestId: string): Promise<void> {
    if (caller.proof.kind !== "token") return;
    const bound = await this.tokens.isBoundTo(caller.proof.tokenHash, caller.customer.id, requestId, this.clock.now());
    if (!bound) throw new ApiError("ACCESS_DENIED");
  }

  /**
   * Resume and Mid-Session Reconnect in the Connect widget: the page holding a live RequestId
   * may come with the token that opened it, or with a fresh one the app issued for this page
   * load (another tab, another browser, a reconnect started with the API key). A fresh token
   * is bound to the existing session here, single use as always.
   */
  async adoptTokenFor(caller: Caller, requestId: string): Promise<void> {
    if (caller.proof.kind !== "token") return;
    const { tokenHash } = caller.proof;
    const now = this.clock.now();
    if (await this.tokens.isBoundTo(tokenHash, caller.customer.id, requestId, now)) return;
    if (!(await this.tokens.consume(tokenHash, caller.customer.id, requestId, now))) throw new ApiError("ACCESS_DENIED");
  }

  async #secretKeyCaller(customerId: string, secret: string | undefined, refusal: "UNAUTHORIZED" | "ACCESS_DENIED"): Promise<Caller> {
    const customer = await this.customers.find(customerId);
    if (!customer || !secret || !matchesHash(secret, customer.secretKeyHash)) throw new ApiError(refusal);
    return { customer, proof: { kind: "secretKey" }, scope: "customer" };
  }
}

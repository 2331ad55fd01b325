import type { IncomingHttpHeaders } from "node:http";
import { type CustomerDirectory, matchesHash } from "../../customers/customer-directory.js";
import { ApiError } from "../../errors/api-error.js";
import type { Clock } from "../../lib/clock.js";
import { sha256Hex } from "../../lib/ids.js";
import type { Customer } from "../../records/customer.js";
import type { AuthorizeTokenStore } from "../../storage/authorize-token-store.js";

/**
 * How a caller proved who it is (flinks-api.md §2):
 * - apiKey: `x-api-key: <API key>` or `Authorization: Bearer <API key>` (node-flinks' way), server-to-server
 * - token:  `flinks-auth-key: <authorize token>` from /GenerateAuthorizeToken (browser-facing flows)
 * - open:   the customer allows legacy clients that send nothing (Python and Ruby clients)
 */
export type CallerProof = { kind: "apiKey" } | { kind: "token"; tokenHash: string } | { kind: "open" };

/** The parts of a request that identify its caller (the customerId comes from the route prefix). */
export interface CallerRequest {
  params: unknown;
  headers: IncomingHttpHeaders;
}

export interface Caller {
  customer: Customer;
  proof: CallerProof;
}

export class CallerAuth {
  constructor(
    private readonly customers: CustomerDirectory,
    private readonly tokens: AuthorizeTokenStore,
    private readonly clock: Clock,
  ) {}

  /** /GenerateAuthorizeToken: only the secret key in `flinks-auth-key` opens it. */
  async withSecretKey(request: CallerRequest): Promise<Customer> {
    const customer = await this.customers.find(customerIdOf(request));
    const secret = header(request, "flinks-auth-key");
    if (!customer || !secret || !matchesHash(secret, customer.secretKeyHash)) throw new ApiError("UNAUTHORIZED");
    return customer;
  }

  /** GetNightlyRefreshStatus: `Authorization: Bearer <secret key>` (flinks-api.md §7.3). */
  async withBearerSecretKey(request: CallerRequest): Promise<Customer> {
    const customer = await this.customers.find(customerIdOf(request));
    const secret = bearer(request);
    if (!customer || !secret || !matchesHash(secret, customer.secretKeyHash)) throw new ApiError("ACCESS_DENIED");
    return customer;
  }

  /**
   * Any accepted proof. A token is only recognised here; whether it may open or continue a
   * given session is decided by `assertTokenFor` once the RequestId is known. Unknown
   * customers and wrong keys answer identically.
   */
  async caller(request: CallerRequest): Promise<Caller> {
    const customer = await this.customers.find(customerIdOf(request));
    if (!customer) throw new ApiError("ACCESS_DENIED");
    const apiKey = header(request, "x-api-key") ?? bearer(request);
    if (apiKey !== undefined) {
      if (matchesHash(apiKey, customer.apiKeyHash)) return { customer, proof: { kind: "apiKey" } };
      throw new ApiError("ACCESS_DENIED");
    }
    const token = header(request, "flinks-auth-key");
    if (token !== undefined) return { customer, proof: { kind: "token", tokenHash: sha256Hex(token) } };
    if (customer.authMode === "open") return { customer, proof: { kind: "open" } };
    throw new ApiError("ACCESS_DENIED");
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
   * Resume and Mid-Session Reconnect in the Connect widget (reference §11, seeds 000–002): the
   * page holding a live RequestId may come with the token that opened it, or with a fresh one
   * the app issued for this page load (another tab, another browser, a reconnect started with
   * the API key). A fresh token is bound to the existing session here, single use as always.
   */
  async adoptTokenFor(caller: Caller, requestId: string): Promise<void> {
    if (caller.proof.kind !== "token") return;
    const { tokenHash } = caller.proof;
    const now = this.clock.now();
    if (await this.tokens.isBoundTo(tokenHash, caller.customer.id, requestId, now)) return;
    if (!(await this.tokens.consume(tokenHash, caller.customer.id, requestId, now))) throw new ApiError("ACCESS_DENIED");
  }

  /** Card management (DeleteCard…) is server-to-server: a token is not enough. */
  assertServerCaller(caller: Caller): void {
    if (caller.proof.kind === "token") throw new ApiError("ACCESS_DENIED");
  }
}

function customerIdOf(request: CallerRequest): string {
  const { customerId } = (request.params ?? {}) as { customerId?: unknown };
  return typeof customerId === "string" ? customerId : "";
}

function header(request: CallerRequest, name: string): string | undefined {
  const value = request.headers[name];
  return typeof value === "string" && value.length > 0 ? value : undefined;
}

function bearer(request: CallerRequest): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header(request, "authorization") ?? "");
  return match?.[1];
}

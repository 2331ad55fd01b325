import type { Static } from "typebox";
import { compiledOnFirstUse } from "../../lib/compiled-on-first-use.js";
import type { ConnectorContext, ConnectorFailure } from "../types.js";
import { accessResourceUrl } from "./access-url.js";
import { InfoSchema } from "./account-set-schema.js";
import { type AccountsQuery, accountsUrl } from "./accounts-query.js";
import { type CardAccess, writeCardAccess } from "./card-access.js";
import { failureOfRequestError } from "./http-failure.js";
import { type ParsedAccount, parseAccountSet } from "./parse-account-set.js";
import { requestsLeft, withRequestCounted } from "./request-budget.js";

export interface AccessLimits {
  dailyRequestBudget: number;
  requestTimeoutSeconds: number;
  maxResponseBytes: number;
}

export type AccountsOutcome =
  | { kind: "accounts"; accounts: ParsedAccount[] }
  | { kind: "failed"; code: ConnectorFailure; revoked: boolean };

const checkInfo = compiledOnFirstUse(InfoSchema);
const MAX_INFO_RESPONSE_BYTES = 64 * 1024;

/**
 * Requests to one card's access URL, each counted against the daily budget in the card's vault
 * before it is sent (so a crash mid-request never under-counts). Holds the card's access as
 * it changes; every change is written through to the vault.
 */
export class AccessClient {
  #access: CardAccess;

  constructor(
    access: CardAccess,
    private readonly ctx: ConnectorContext,
    private readonly limits: AccessLimits,
  ) {
    this.#access = access;
  }

  get access(): CardAccess {
    return this.#access;
  }

  requestsLeft(): number {
    return requestsLeft(this.#access, this.ctx.clock.now(), this.limits.dailyRequestBudget);
  }

  async update(change: Partial<CardAccess>): Promise<void> {
    this.#access = { ...this.#access, ...change };
    await writeCardAccess(this.ctx.vault, this.#access);
  }

  /**
   * The protocol versions the server offers (`GET /info`): "2" when one of them is 2.x. A
   * server without a usable /info is taken for a protocol 1 server; one that cannot be
   * reached at all is a failure like any other request's.
   */
  async protocolVersion(): Promise<{ kind: "version"; version: "1" | "2" } | { kind: "failed"; code: ConnectorFailure }> {
    const sent = await this.#get(accessResourceUrl(this.#access.accessUrl, "info").href, MAX_INFO_RESPONSE_BYTES);
    if (sent.kind === "failed") return { kind: "failed", code: sent.code };
    if (sent.status !== 200) return { kind: "version", version: "1" };
    let info: unknown;
    try {
      info = JSON.parse(sent.body.toString("utf8"));
    } catch {
      return { kind: "version", version: "1" };
    }
    const versions = checkInfo(info) ? (info as Static<typeof InfoSchema>).versions : [];
    return { kind: "version", version: versions.some((v) => /^\s*2(\.|\s*$)/.test(v)) ? "2" : "1" };
  }

  /** `GET /accounts`: the protocol's answers mapped (402 payment, 401/403 and gen.auth revoked access, con.auth). */
  async accounts(query: AccountsQuery): Promise<AccountsOutcome> {
    const sent = await this.#get(accountsUrl(this.#access.accessUrl, query), this.limits.maxResponseBytes);
    if (sent.kind === "failed") return { kind: "failed", code: sent.code, revoked: false };
    if (sent.status === 401 || sent.status === 403) return { kind: "failed", code: "RECONNECT_REQUIRED", revoked: true };
    if (sent.status === 402) return { kind: "failed", code: "PAYMENT_REQUIRED", revoked: false };
    if (sent.status !== 200) return { kind: "failed", code: "RETRY_LATER", revoked: false };
    const set = parseAccountSet(sent.body);
    switch (set.kind) {
      case "accounts":
        return set;
      case "refused":
        return set.reason === "access-revoked"
          ? { kind: "failed", code: "RECONNECT_REQUIRED", revoked: true }
          : { kind: "failed", code: "CONNECTION_NEEDS_ATTENTION", revoked: false };
      case "malformed":
        // An HTML error page, a truncated or mistyped body: the server's trouble, not the card's.
        return { kind: "failed", code: "RETRY_LATER", revoked: false };
    }
  }

  async #get(url: string, maxResponseBytes: number) {
    // Callers plan their requests against the budget first; this only stops a miscount.
    if (this.requestsLeft() <= 0) return { kind: "failed" as const, code: "DAILY_REQUEST_LIMIT" as const };
    await this.update(withRequestCounted(this.#access, this.ctx.clock.now()));
    try {
      const response = await this.ctx.http.request({
        url,
        method: "GET",
        timeoutSeconds: this.limits.requestTimeoutSeconds,
        maxResponseBytes,
      });
      return { kind: "sent" as const, status: response.status, body: response.body };
    } catch (error) {
      return { kind: "failed" as const, code: failureOfRequestError(error) };
    }
  }
}

import { flinksAnswer, messageAnswer } from "./flinks-answer.js";
import type * as T from "./flinks-types.js";
import { type ClientTimer, type HttpCall, HttpCaller, type Idempotency, REAL_TIMER, type RetryOptions } from "./http-caller.js";
import { answerRounds, type MfaAnswers } from "./mfa-rounds.js";
import { type PollOptions, pollUntilSettled } from "./poll-until-settled.js";

export interface FlinksClientOptions {
  /** `https://{instance}-api.private.fin.ag/v3/{customerId}/BankingServices`, or bankgate's `…/v3/{customerId}/BankingServices`. */
  baseUrl: string;
  /** `x-api-key` of the server-to-server calls (data, card management); also of Authorize when no authorize token is given. */
  apiKey?: string;
  /** `flinks-auth-key` of /GenerateAuthorizeToken, `Authorization: Bearer` of /GetNightlyRefreshStatus. */
  secretKey?: string;
  /** Default: the global fetch. */
  fetch?: typeof fetch;
  /** Default: Date.now and setTimeout. */
  timer?: ClientTimer;
  retry?: RetryOptions;
  poll?: PollOptions;
}

export interface CallOptions {
  /** Prove the call with this authorize token (`flinks-auth-key`) instead of the API key. */
  authorizeToken?: string;
}

export interface AnswerOptions extends CallOptions {
  /** Use /AuthorizeAsync and poll each step (default false: /Authorize). */
  async?: boolean;
  /** Rounds of security questions before giving up (default 5). */
  maxRounds?: number;
}

type Auth = "caller" | "serverCaller" | "secretKey" | "bearerSecretKey";

/**
 * A typed client of the Flinks API as bankgate serves it — and as Flinks does: nothing here is
 * bankgate-only, so pointing `baseUrl` at Flinks works. Each method answers the operation's
 * union on HttpStatusCode (200 | 202 | 203 | error); Flinks errors are values, and only a
 * missing answer throws (BankgateClientError). The `…AndWait` methods poll 202s.
 */
export class FlinksClient {
  readonly #http: HttpCaller;
  readonly #timer: ClientTimer;
  readonly #baseUrl: string;

  constructor(private readonly options: FlinksClientOptions) {
    this.#timer = options.timer ?? REAL_TIMER;
    this.#http = new HttpCaller(options.fetch ?? globalThis.fetch.bind(globalThis), this.#timer, options.retry);
    this.#baseUrl = options.baseUrl.replace(/\/+$/, "");
  }

  /** A single-use authorize token (safe to retry: a lost one is never used, and expires). */
  async generateAuthorizeToken(): Promise<T.TokenAnswer> {
    return this.#call("POST", "GenerateAuthorizeToken", "secretKey", "safe", {}, {});
  }

  /** A live login, an MFA answer, or a cached session (never retried once it may have arrived, except a bare RequestId). */
  async authorize(body: T.AuthorizeRequest, options: CallOptions = {}): Promise<T.AuthorizeAnswer> {
    return this.#call("POST", "Authorize", "caller", authorizeIdempotency(body), options, body);
  }

  /** The same, queued at the server: 202 at once; poll with `{ RequestId }` (or use authorizeAsyncAndWait). */
  async authorizeAsync(body: T.AuthorizeRequest, options: CallOptions = {}): Promise<T.AuthorizeAsyncAnswer> {
    return this.#call("POST", "AuthorizeAsync", "caller", authorizeIdempotency(body), options, body);
  }

  /** /AuthorizeAsync, then its polls with the RequestId until 200, 203 or an error. */
  async authorizeAsyncAndWait(body: T.AuthorizeRequest, options: CallOptions = {}): Promise<T.AuthorizeAnswer> {
    const first = await this.authorizeAsync(body, options);
    if (first.HttpStatusCode !== 202) return first;
    const poll = () => this.authorizeAsync({ RequestId: first.RequestId }, options);
    return pollUntilSettled<T.AuthorizeAsyncAnswer>(first, poll, this.#timer, this.options.poll ?? {}, "AuthorizeAsync");
  }

  /** A login through every round of security questions, answered from `answers` (by prompt, or a function). */
  async authorizeWithAnswers(body: T.AuthorizeRequest, answers: MfaAnswers, options: AnswerOptions = {}): Promise<T.AuthorizeAnswer> {
    const step = (next: T.AuthorizeRequest) => (options.async ? this.authorizeAsyncAndWait(next, options) : this.authorize(next, options));
    return answerRounds(body, answers, step, options.maxRounds ?? 5);
  }

  async getAccountsDetail(body: T.GetAccountsDetailRequest, options: CallOptions = {}): Promise<T.AccountsDetailAnswer> {
    return this.#call("POST", "GetAccountsDetail", "caller", "safe", options, body);
  }

  async getAccountsDetailAsync(requestId: string, options: CallOptions = {}): Promise<T.AccountsDetailAnswer> {
    return this.#call("GET", `GetAccountsDetailAsync/${encodeURIComponent(requestId)}`, "caller", "safe", options);
  }

  async getAccountsDetailAndWait(body: T.GetAccountsDetailRequest, options: CallOptions = {}) {
    const first = await this.getAccountsDetail(body, options);
    return this.#settle(first, () => this.getAccountsDetailAsync(body.RequestId, options), "GetAccountsDetail");
  }

  async getAccountsSummary(body: T.GetAccountsSummaryRequest, options: CallOptions = {}): Promise<T.AccountsSummaryAnswer> {
    return this.#call("POST", "GetAccountsSummary", "caller", "safe", options, body);
  }

  async getAccountsSummaryAsync(requestId: string, options: CallOptions = {}): Promise<T.AccountsSummaryAnswer> {
    return this.#call("GET", `GetAccountsSummaryAsync/${encodeURIComponent(requestId)}`, "caller", "safe", options);
  }

  async getAccountsSummaryAndWait(body: T.GetAccountsSummaryRequest, options: CallOptions = {}) {
    const first = await this.getAccountsSummary(body, options);
    return this.#settle(first, () => this.getAccountsSummaryAsync(body.RequestId, options), "GetAccountsSummary");
  }

  async getStatements(body: T.GetStatementsRequest, options: CallOptions = {}): Promise<T.StatementsAnswer> {
    return this.#call("POST", "GetStatements", "caller", "safe", options, body);
  }

  async getStatementsAsync(requestId: string, options: CallOptions = {}): Promise<T.StatementsAnswer> {
    return this.#call("GET", `GetStatementsAsync/${encodeURIComponent(requestId)}`, "caller", "safe", options);
  }

  async getStatementsAndWait(body: T.GetStatementsRequest, options: CallOptions = {}) {
    const first = await this.getStatements(body, options);
    return this.#settle(first, () => this.getStatementsAsync(body.RequestId, options), "GetStatements");
  }

  /** Not retried once sent: a second DeleteCard answers INVALID_LOGIN, which would hide the first one's success. */
  async deleteCard(loginId: string): Promise<T.DeleteCardAnswer> {
    return this.#call("DELETE", `DeleteCard/${encodeURIComponent(loginId)}`, "serverCaller", "once", {});
  }

  async setScheduledRefresh(loginId: string, isActivated: boolean): Promise<T.ScheduledRefreshAnswer> {
    const http = await this.#send(
      "PATCH",
      "SetScheduledRefresh",
      "serverCaller",
      "safe",
      {},
      { LoginId: loginId, IsActivated: isActivated },
    );
    return messageAnswer(http, "SetScheduledRefresh");
  }

  async getNightlyRefreshStatus(): Promise<T.NightlyRefreshStatusAnswer> {
    return this.#call("GET", "GetNightlyRefreshStatus", "bearerSecretKey", "safe", {});
  }

  async getMfaQuestions(loginId: string): Promise<T.MfaQuestionsAnswer> {
    return this.#call("GET", `GetMFAQuestions/${encodeURIComponent(loginId)}`, "serverCaller", "safe", {});
  }

  async answerMfaQuestions(body: T.AnswerMfaQuestionsRequest): Promise<T.AnswerMfaQuestionsAnswer> {
    return this.#call("PATCH", "AnswerMFAQuestions", "serverCaller", "safe", {}, body);
  }

  /** Opens sessions: not retried once it may have arrived. */
  async authorizeMultiple(body: T.AuthorizeMultipleRequest): Promise<T.AuthorizeMultipleAnswer> {
    return this.#call("POST", "AuthorizeMultiple", "serverCaller", "once", {}, body);
  }

  #settle<A extends { HttpStatusCode: number }>(first: A, poll: () => Promise<A>, operation: string): Promise<T.Settled<A>> {
    return pollUntilSettled(first, poll, this.#timer, this.options.poll ?? {}, `${operation}Async`);
  }

  async #call<A>(
    method: HttpCall["method"],
    path: string,
    auth: Auth,
    idempotency: Idempotency,
    options: CallOptions,
    body?: unknown,
  ): Promise<A> {
    return flinksAnswer<A>(await this.#send(method, path, auth, idempotency, options, body), path.split("/")[0] ?? path);
  }

  #send(method: HttpCall["method"], path: string, auth: Auth, idempotency: Idempotency, options: CallOptions, body?: unknown) {
    const operation = path.split("/")[0] ?? path;
    return this.#http.send({
      method,
      url: `${this.#baseUrl}/${path}`,
      headers: this.#headers(auth, options),
      body,
      idempotency,
      operation,
    });
  }

  /** The proof each kind of operation takes, with Flinks' header names. */
  #headers(auth: Auth, options: CallOptions): Record<string, string> {
    const { apiKey, secretKey } = this.options;
    switch (auth) {
      case "secretKey":
        return secretKey === undefined ? {} : { "flinks-auth-key": secretKey };
      case "bearerSecretKey":
        return secretKey === undefined ? {} : { authorization: `Bearer ${secretKey}` };
      case "caller":
        if (options.authorizeToken !== undefined) return { "flinks-auth-key": options.authorizeToken };
        return apiKey === undefined ? {} : { "x-api-key": apiKey };
      case "serverCaller":
        return apiKey === undefined ? {} : { "x-api-key": apiKey };
    }
  }
}

/** Only a poll — a RequestId and nothing to answer — may be sent twice; a login or an answer must not. */
function authorizeIdempotency(body: T.AuthorizeRequest): Idempotency {
  const keys = Object.keys(body).filter((key) => body[key as keyof T.AuthorizeRequest] !== undefined);
  return keys.length === 1 && keys[0] === "RequestId" ? "safe" : "once";
}

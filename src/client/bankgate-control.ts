import { BankgateClientError } from "./client-error.js";
import type * as C from "./control-types.js";
import type { FlinksErrorAnswer } from "./flinks-types.js";
import { type ClientTimer, type HttpCall, HttpCaller, type Idempotency, REAL_TIMER, type RetryOptions } from "./http-caller.js";

export interface BankgateControlOptions {
  /** The server's origin, e.g. `http://127.0.0.1:41234` (no path). */
  url: string;
  customerId: string;
  /** `flinks-auth-key` of the sandbox and operator endpoints. */
  secretKey: string;
  /** `x-api-key` of the session view (`session()`). */
  apiKey?: string;
  fetch?: typeof fetch;
  timer?: ClientTimer;
  retry?: RetryOptions;
}

type Auth = "secretKey" | "apiKey" | "public";

/**
 * bankgate's own endpoints, apart from the Flinks operations (FlinksClient): the sandbox
 * control plane (/sandbox/v1: clock, scenario scripts, cards, sessions, SimpleFIN setup
 * tokens; served with BANKGATE_SANDBOX_CONTROL=on) and the operator endpoints (/bankgate/v1:
 * institutions, a session's state, usage, webhooks, settings). A test's set-up calls: each
 * method resolves with the success body and throws BankgateClientError ("error-answer", the
 * error body in `details.lastAnswer`) otherwise.
 */
export class BankgateControl {
  readonly #http: HttpCaller;
  readonly #origin: string;

  readonly clock = {
    get: () => this.#sandbox<C.SandboxClock>("GET", "clock", "safe"),
    /** Not retried once sent: a second arrival would move the clock twice. */
    advance: (seconds: number) => this.#sandbox<C.SandboxClock>("POST", "clock/advance", "once", { seconds } satisfies C.ClockAdvance),
    freeze: () => this.#sandbox<C.SandboxClock>("POST", "clock/freeze", "safe"),
    unfreeze: () => this.#sandbox<C.SandboxClock>("POST", "clock/unfreeze", "safe"),
  };

  readonly scripts = {
    /** Registers (or replaces) the FlinksCapital user `script.name`. */
    put: (script: C.ScenarioScript) => this.#sandbox<C.ScenarioScript>("PUT", `scripts/${enc(script.name)}`, "safe", script),
    get: (name: string) => this.#sandbox<C.ScenarioScript>("GET", `scripts/${enc(name)}`, "safe"),
  };

  readonly cards = {
    /** The card's next live login (refresh, reconnect, nightly) meets `outcome`, once. */
    forceNextRefresh: (loginId: string, outcome: C.NextRefreshOutcome) =>
      this.#sandbox<C.SandboxCard>("PUT", `cards/${enc(loginId)}/next-refresh`, "safe", outcome),
    /** The sandbox bank forgets the user: trusted device, locks, changed password, forced outcome. */
    reset: (loginId: string) => this.#sandbox<C.SandboxCard>("POST", `cards/${enc(loginId)}/reset`, "safe"),
  };

  readonly webhooks = {
    configure: (settings: C.WebhookSettingsRequest) => this.#operator<C.WebhookSettings>("PUT", "webhooks", "safe", settings),
    deliveries: (query: { eventId?: string; limit?: number } = {}) =>
      this.#operator<C.WebhookDeliveries>("GET", `webhooks/deliveries${search(query)}`, "safe"),
    /** Not retried once sent: each arrival queues another delivery. */
    replay: (eventId: string) => this.#operator<C.WebhookReplay>("POST", `webhooks/deliveries/${enc(eventId)}/replay`, "once"),
  };

  readonly settings = {
    get: () => this.#operator<C.CustomerSettings>("GET", "settings", "safe"),
    put: (settings: C.CustomerSettingsRequest) => this.#operator<C.CustomerSettings>("PUT", "settings", "safe", settings),
  };

  constructor(private readonly options: BankgateControlOptions) {
    this.#http = new HttpCaller(options.fetch ?? globalThis.fetch.bind(globalThis), options.timer ?? REAL_TIMER, options.retry);
    this.#origin = options.url.replace(/\/+$/, "");
  }

  /** The customer's latest sessions, newest first (1 to 500, default 50). */
  sessions(limit?: number) {
    return this.#sandbox<{ sessions: C.SessionSummaryView[] }>("GET", `sessions${search({ limit })}`, "safe");
  }

  /** A one-time setup token of the built-in SimpleFIN simulator (needs BANKGATE_SIMULATORS). */
  simpleFinSetupToken(request: C.SetupTokenRequest = {}) {
    return this.#sandbox<C.SetupToken>("POST", "simplefin/setup-tokens", "once", request);
  }

  /** The institutions this server can reach (public). */
  institutions(filter?: string) {
    return this.#request<C.Institutions>("GET", `/bankgate/v1/institutions${search({ search: filter })}`, "public", "safe");
  }

  /** Where a RequestId stands (the API key's view). */
  session(requestId: string) {
    return this.#operator<C.SessionDetails>("GET", `sessions/${enc(requestId)}`, "safe", undefined, "apiKey");
  }

  /** Billable live connections per UTC day. */
  usage(range: C.UsageRange = {}) {
    return this.#operator<C.Usage>("GET", `usage${search(range)}`, "safe");
  }

  #sandbox<A>(method: HttpCall["method"], path: string, idempotency: Idempotency, body?: unknown): Promise<A> {
    return this.#request<A>(method, `/sandbox/v1/${enc(this.options.customerId)}/${path}`, "secretKey", idempotency, body);
  }

  #operator<A>(method: HttpCall["method"], path: string, idempotency: Idempotency, body?: unknown, auth: Auth = "secretKey"): Promise<A> {
    return this.#request<A>(method, `/bankgate/v1/${enc(this.options.customerId)}/${path}`, auth, idempotency, body);
  }

  async #request<A>(method: HttpCall["method"], path: string, auth: Auth, idempotency: Idempotency, body?: unknown): Promise<A> {
    const operation = `${method} ${path.split("?")[0]?.replace(this.options.customerId, "{customerId}")}`;
    const headers: Record<string, string> =
      auth === "secretKey"
        ? { "flinks-auth-key": this.options.secretKey }
        : auth === "apiKey" && this.options.apiKey !== undefined
          ? { "x-api-key": this.options.apiKey }
          : {};
    const answer = await this.#http.send({ method, url: `${this.#origin}${path}`, headers, body, idempotency, operation });
    if (answer.status >= 400) {
      const error = answer.body as Partial<FlinksErrorAnswer> | undefined;
      const code = typeof error?.FlinksCode === "string" ? error.FlinksCode : "no FlinksCode";
      throw new BankgateClientError("error-answer", `${operation} answered ${answer.status} ${code}`, {
        status: answer.status,
        lastAnswer: answer.body,
      });
    }
    return answer.body as A;
  }
}

const enc = encodeURIComponent;

/** `?a=1&b=2` of the defined values, or nothing. */
function search(query: Record<string, string | number | undefined>): string {
  const entries = Object.entries(query).filter((entry): entry is [string, string | number] => entry[1] !== undefined);
  return entries.length === 0 ? "" : `?${new URLSearchParams(entries.map(([key, value]) => [key, String(value)]))}`;
}

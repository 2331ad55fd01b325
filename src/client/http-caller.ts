import { BankgateClientError } from "./client-error.js";

/** The timer the client waits with: injectable so that tests never sleep. */
export interface ClientTimer {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const REAL_TIMER: ClientTimer = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

export interface RetryOptions {
  /** Attempts in all, the first included (default 3; 1 turns retries off). */
  attempts?: number;
  /** Wait before the first retry, doubled before each next one (default 250 ms). */
  baseDelayMs?: number;
  /** No wait is longer, Retry-After included (default 5000 ms). */
  maxDelayMs?: number;
  /**
   * One attempt gives up after this long (default 300 000 ms: a synchronous data call may wait
   * minutes for an aggregation). A timed-out attempt is a network error: retried only if safe.
   */
  requestTimeoutMs?: number;
}

/**
 * Whether a call may be sent again (docs/client.md, "Retries"):
 * - "safe": reading, polling, or setting a value — a second arrival changes nothing. Retried
 *   on network errors, 429, 502, 503 and 504.
 * - "once": its effect must not happen twice (a live login, an MFA answer, DeleteCard…).
 *   Retried only when the request provably did not take effect: the connection was refused
 *   or the host not found (nothing was sent), or a 429 / 503 that carries Retry-After (the
 *   server refused it unprocessed; bankgate's 503 promises that nothing was changed).
 */
export type Idempotency = "safe" | "once";

export interface HttpCall {
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  /** Absolute URL. */
  url: string;
  headers: Record<string, string>;
  body?: unknown;
  idempotency: Idempotency;
  /** For messages: the operation's name. */
  operation: string;
}

export interface HttpAnswer {
  status: number;
  /** The parsed JSON body (undefined for an empty one). */
  body: unknown;
}

const RETRIED_STATUSES = new Set([429, 502, 503, 504]);
/** Errors raised before a single byte left: the request cannot have taken effect. */
const NOT_SENT_CODES = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN"]);

/** Sends one call with the bounded retries its idempotency allows, and parses the JSON answer. */
export class HttpCaller {
  readonly #attempts: number;
  readonly #baseDelayMs: number;
  readonly #maxDelayMs: number;
  readonly #requestTimeoutMs: number;

  constructor(
    private readonly fetchImpl: typeof fetch,
    private readonly timer: ClientTimer,
    retry: RetryOptions = {},
  ) {
    this.#attempts = Math.max(1, Math.min(retry.attempts ?? 3, 10));
    this.#baseDelayMs = retry.baseDelayMs ?? 250;
    this.#maxDelayMs = retry.maxDelayMs ?? 5_000;
    this.#requestTimeoutMs = retry.requestTimeoutMs ?? 300_000;
  }

  async send(call: HttpCall): Promise<HttpAnswer> {
    for (let attempt = 1; ; attempt++) {
      const last = attempt >= this.#attempts;
      let response: Response;
      try {
        response = await this.fetchImpl(call.url, {
          method: call.method,
          headers: call.body === undefined ? call.headers : { "content-type": "application/json", ...call.headers },
          body: call.body === undefined ? undefined : JSON.stringify(call.body),
          signal: AbortSignal.timeout(this.#requestTimeoutMs),
        });
      } catch (error) {
        if (last || !(call.idempotency === "safe" || notSent(error))) {
          throw new BankgateClientError("network", `${call.operation}: the request failed (${describe(error)})`, { cause: error });
        }
        await this.timer.sleep(this.#backoff(attempt, null));
        continue;
      }
      if (!last && this.#mayRetry(call, response)) {
        await response.body?.cancel();
        await this.timer.sleep(this.#backoff(attempt, response.headers.get("retry-after")));
        continue;
      }
      return { status: response.status, body: await parseBody(call, response) };
    }
  }

  #mayRetry(call: HttpCall, response: Response): boolean {
    if (!RETRIED_STATUSES.has(response.status)) return false;
    if (call.idempotency === "safe") return true;
    return (response.status === 429 || response.status === 503) && response.headers.has("retry-after");
  }

  /** Exponential from baseDelayMs, or the server's Retry-After (seconds), never above maxDelayMs. */
  #backoff(attempt: number, retryAfter: string | null): number {
    const seconds = retryAfter === null ? Number.NaN : Number(retryAfter);
    const wanted = Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : this.#baseDelayMs * 2 ** (attempt - 1);
    return Math.min(wanted, this.#maxDelayMs);
  }
}

function notSent(error: unknown): boolean {
  // fetch (undici) rejects with a TypeError whose cause carries the system error's code.
  const code = (error as { cause?: { code?: unknown } } | null)?.cause?.code;
  return typeof code === "string" && NOT_SENT_CODES.has(code);
}

function describe(error: unknown): string {
  const code = (error as { cause?: { code?: unknown } } | null)?.cause?.code;
  if (typeof code === "string") return code;
  return error instanceof Error ? (error.name === "TimeoutError" ? "timed out" : error.message) : "unknown error";
}

async function parseBody(call: HttpCall, response: Response): Promise<unknown> {
  const text = await response.text();
  if (text === "") return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch (cause) {
    // The text itself stays out of the message: a proxy's page is noise, and a body may hold data.
    throw new BankgateClientError("unexpected-response", `${call.operation}: HTTP ${response.status} with a body that is not JSON`, {
      status: response.status,
      cause,
    });
  }
}

/**
 * HTTP calls to a bankgate child process (server-process.ts) for the fault tests: each call
 * bounded, its answer with status, headers and JSON body, and the Greatday login that puts
 * a card with data in place.
 */
import { expect } from "vitest";
import { errorCatalog } from "../../src/errors/catalog.js";
import { sleep } from "./server-build.js";
import type { ServerCustomer } from "./server-process.js";

export interface Answer {
  status: number;
  headers: Headers;
  // biome-ignore lint/suspicious/noExplicitAny: Flinks JSON bodies, checked field by field
  body: any;
}

const ANSWERS: Readonly<Record<string, string>> = {
  "What city were you born in?": "Montreal",
  "What is the best country on earth?": "Canada",
  "What shape do people like most?": "Triangle",
};

/** One request; the body is parsed when it is JSON (null otherwise). */
export async function call(
  base: string,
  path: string,
  options: { method?: string; body?: unknown; headers?: Record<string, string>; timeoutMs?: number } = {},
): Promise<Answer> {
  const response = await fetch(`${base}${path}`, {
    method: options.method ?? (options.body === undefined ? "GET" : "POST"),
    headers: { ...(options.body === undefined ? {} : { "content-type": "application/json" }), ...options.headers },
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
    signal: AbortSignal.timeout(options.timeoutMs ?? 30_000),
  });
  const text = await response.text();
  let body: unknown = null;
  try {
    body = JSON.parse(text);
  } catch {
    body = null;
  }
  return { status: response.status, headers: response.headers, body };
}

/** The Flinks surface of one customer of one server. */
export class FlinksCalls {
  constructor(
    readonly base: string,
    readonly customer: ServerCustomer,
  ) {}

  path(operation: string): string {
    return `/v3/${this.customer.customerId}/BankingServices/${operation}`;
  }

  apiKey(): Record<string, string> {
    return { "x-api-key": this.customer.apiKey };
  }

  post(operation: string, body?: unknown, headers: Record<string, string> = this.apiKey()): Promise<Answer> {
    return call(this.base, this.path(operation), { method: "POST", body, headers });
  }

  generateToken(): Promise<Answer> {
    return this.post("GenerateAuthorizeToken", undefined, { "flinks-auth-key": this.customer.secretKey });
  }

  cachedAuthorize(loginId: string): Promise<Answer> {
    return this.post("Authorize", { LoginId: loginId, MostRecentCached: true });
  }

  /** Greatday logs in live, answers its question, and the card's data is aggregated: returns the LoginId. */
  async connect(username = "Greatday", boundMs = 20_000): Promise<string> {
    const login = { Institution: "FlinksCapital", Username: username, Password: "Everyday", MostRecentCached: false, Save: true };
    const challenge = await this.post("Authorize", login);
    expect(challenge.status, JSON.stringify(challenge.body)).toBe(203);
    const prompt: string = challenge.body.SecurityChallenges[0].Prompt;
    const answered = await this.post("Authorize", {
      RequestId: challenge.body.RequestId,
      SecurityResponses: { [prompt]: [ANSWERS[prompt]] },
    });
    expect(answered.status, JSON.stringify(answered.body)).toBe(200);
    const deadline = Date.now() + boundMs;
    for (;;) {
      const data = await this.post("GetAccountsDetail", { RequestId: challenge.body.RequestId });
      if (data.status === 200) return answered.body.Login.Id as string;
      expect(data.status, JSON.stringify(data.body)).toBe(202);
      if (Date.now() > deadline) throw new Error(`no data for ${username} within ${boundMs} ms`);
      await sleep(50);
    }
  }
}

/** A transient fault's answer: 503, Retry-After, the catalogued code, RETRY_LATER on the wire. */
export function expectTemporarilyUnavailable(answer: Answer, retryAfterSeconds?: number): void {
  expect(answer.status, JSON.stringify(answer.body)).toBe(errorCatalog.TEMPORARILY_UNAVAILABLE.httpStatus);
  expect(answer.body).toMatchObject({
    HttpStatusCode: 503,
    FlinksCode: "RETRY_LATER",
    Message: errorCatalog.TEMPORARILY_UNAVAILABLE.message,
  });
  const retryAfter = Number(answer.headers.get("retry-after"));
  expect(retryAfter).toBeGreaterThan(0);
  if (retryAfterSeconds !== undefined) expect(retryAfter).toBe(retryAfterSeconds);
}

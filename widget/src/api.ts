/** The widget's only I/O: bankgate's HTTP API on the page's own origin. */

// biome-ignore lint/suspicious/noExplicitAny: bodies are Flinks JSON, read field by field where used
export type Body = Record<string, any>;

export interface Reply {
  status: number;
  body: Body;
}

export interface Institution {
  id: string;
  name: string;
  sandbox: boolean;
  /** The bundled logo, same origin; null: the widget shows the name's initial. */
  logoUrl: string | null;
  /** How this institution's login form differs from a username and a password (GET /bankgate/v1/institutions). */
  loginForm?: LoginForm;
}

export interface LoginForm {
  usernameLabel?: { en: string; fr: string };
  passwordLabel?: { en: string; fr: string };
  /** Where a person gets the credential: absolute, or a path on this server. */
  helpUrl?: string;
  /** "derived": one field (a SimpleFIN setup token); the username is derived from it (setup-token-label.ts). */
  username?: "derived";
}

export interface AccountChoice {
  id: string;
  title: string;
  type: string;
  category: string;
  currency: string;
  lastFourDigits: string;
  balance: { available: number | null; current: number | null };
}

export class ConnectApi {
  constructor(
    private readonly customerId: string,
    /** The authorize token (URL `authorizeToken`), sent as `flinks-auth-key`; replaced when renewed. */
    public token: string | null,
  ) {}

  authorize(body: Body): Promise<Reply> {
    return this.#call("POST", `/v3/${this.customerId}/BankingServices/Authorize`, body);
  }

  /** Where a RequestId stands (Resume, Mid-Session Reconnect): answered like /Authorize. */
  resume(requestId: string): Promise<Reply> {
    return this.#call("GET", `${this.#connect}/sessions/${requestId}`);
  }

  /** A fresh token for a fresh start once the token's session failed or expired. */
  async renewToken(): Promise<boolean> {
    const reply = await this.#call("POST", `${this.#connect}/tokens/renew`);
    if (reply.status !== 200 || typeof reply.body.Token !== "string") return false;
    this.token = reply.body.Token;
    return true;
  }

  accounts(requestId: string): Promise<Reply> {
    return this.#call("GET", `${this.#connect}/sessions/${requestId}/accounts`);
  }

  saveSelection(requestId: string, accountIds: string[]): Promise<Reply> {
    return this.#call("PUT", `${this.#connect}/sessions/${requestId}/accounts`, { accountIds });
  }

  async institutions(): Promise<Institution[]> {
    const reply = await this.#call("GET", "/bankgate/v1/institutions");
    return reply.status === 200 ? (reply.body.institutions as Institution[]) : [];
  }

  get #connect(): string {
    return `/connect/api/v1/${this.customerId}`;
  }

  async #call(method: string, path: string, body?: Body): Promise<Reply> {
    const headers: Record<string, string> = { accept: "application/json" };
    if (body) headers["content-type"] = "application/json";
    if (this.token) headers["flinks-auth-key"] = this.token;
    const response = await fetch(path, { method, headers, body: body && JSON.stringify(body), credentials: "omit", cache: "no-store" });
    const text = await response.text();
    let parsed: Body = {};
    try {
      parsed = text ? (JSON.parse(text) as Body) : {};
    } catch {
      parsed = {};
    }
    return { status: response.status, body: parsed };
  }
}

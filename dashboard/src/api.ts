/** The dashboard's own JSON API (/dashboard/api/…), with the session cookie and, on changes, the CSRF token. */

export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export interface Viewer {
  customerId: string;
  csrfToken: string;
  mode: "on" | "read-only";
  sandbox: boolean;
  idleSeconds: number;
}

/** One per signed-in page: it holds the session's CSRF token (the cookie itself is HttpOnly, out of reach). */
export class DashboardApi {
  constructor(private csrfToken = "") {}

  useToken(token: string): void {
    this.csrfToken = token;
  }

  get<T>(path: string): Promise<T> {
    return this.send<T>("GET", path);
  }

  async send<T>(method: "GET" | "POST" | "PUT" | "DELETE", path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = {};
    if (method !== "GET") headers["x-dashboard-csrf"] = this.csrfToken;
    if (body !== undefined) headers["content-type"] = "application/json";
    const response = await fetch(`/dashboard/api${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: "same-origin",
    });
    const text = await response.text();
    let parsed: Record<string, unknown> = {};
    try {
      parsed = text ? JSON.parse(text) : {};
    } catch {
      // A proxy's HTML error page: keep the status.
    }
    if (!response.ok)
      throw new ApiFailure(response.status, String(parsed.FlinksCode ?? "ERROR"), String(parsed.Message ?? response.statusText));
    return parsed as T;
  }
}

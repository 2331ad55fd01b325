import type { LightMyRequestResponse } from "fastify";
import type { TestApp, TestCustomer } from "./test-app.js";

/** A signed-in dashboard viewer over app.inject: its cookie and CSRF token, sent like the page sends them. */
export interface DashboardClient {
  cookie: string;
  csrfToken: string;
  signInResponse: LightMyRequestResponse;
  get(path: string): Promise<LightMyRequestResponse>;
  /** A change from the dashboard's own page: cookie, CSRF header, same-origin fetch metadata. */
  change(
    method: "POST" | "PUT" | "DELETE",
    path: string,
    payload?: object,
    headers?: Record<string, string>,
  ): Promise<LightMyRequestResponse>;
}

export async function signInDashboard(t: TestApp, customer: TestCustomer = t.customer): Promise<DashboardClient> {
  const signInResponse = await t.app.inject({
    method: "POST",
    url: "/dashboard/api/sign-in",
    payload: { customerId: customer.customerId, secretKey: customer.secretKey },
    headers: { "sec-fetch-site": "same-origin" },
  });
  if (signInResponse.statusCode !== 200) throw new Error(`sign-in failed: ${signInResponse.body}`);
  const setCookie = String(signInResponse.headers["set-cookie"]);
  const cookie = setCookie.split(";")[0] ?? "";
  const { csrfToken } = signInResponse.json() as { csrfToken: string };
  return {
    cookie,
    csrfToken,
    signInResponse,
    get: (path) => t.app.inject({ method: "GET", url: `/dashboard/api${path}`, headers: { cookie } }),
    change: (method, path, payload, headers = {}) =>
      t.app.inject({
        method,
        url: `/dashboard/api${path}`,
        payload,
        headers: { cookie, "x-dashboard-csrf": csrfToken, "sec-fetch-site": "same-origin", ...headers },
      }),
  };
}

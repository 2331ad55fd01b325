import { timingSafeEqual } from "node:crypto";
import type { FastifyReply, FastifyRequest } from "fastify";
import type { DashboardSignIn, DashboardViewer } from "../../customers/dashboard-sign-in.js";
import { ApiError } from "../../errors/api-error.js";

export const COOKIE_NAME = "bankgate_dashboard";
export const CSRF_HEADER = "x-dashboard-csrf";

declare module "fastify" {
  interface FastifyRequest {
    /** The signed-in dashboard viewer: set before every dashboard API handler but sign-in's. */
    dashboardViewer: DashboardViewer;
  }
}

const SAFE_METHODS = new Set(["GET", "HEAD"]);

/**
 * Who is looking, and whether a change may go through. Reads: a live dashboard session. Changes
 * (POST, PUT, DELETE) besides: SameSite=Strict already keeps the cookie off cross-site requests;
 * on top of it the page must echo the session's CSRF token in `x-dashboard-csrf` (a page on
 * another site cannot read it), and a browser's `Sec-Fetch-Site` or `Origin` that names another
 * site is refused outright. A read-only dashboard then refuses the change itself.
 */
export async function guardDashboardRequest(request: FastifyRequest, signIn: DashboardSignIn, mode: "on" | "read-only"): Promise<void> {
  const viewer = await signIn.viewer(cookieOf(request));
  if (!SAFE_METHODS.has(request.method)) {
    assertSameSite(request);
    if (!sameSecret(String(request.headers[CSRF_HEADER] ?? ""), viewer.csrfToken)) throw new ApiError("DASHBOARD_CROSS_SITE");
    if (mode === "read-only" && !request.url.endsWith("/sign-out")) throw new ApiError("DASHBOARD_READ_ONLY");
  }
  request.dashboardViewer = viewer;
}

/** What a browser tells of where a request comes from: another site is refused (sign-in included). */
export function assertSameSite(request: FastifyRequest): void {
  const fetchSite = request.headers["sec-fetch-site"];
  if (fetchSite !== undefined && fetchSite !== "same-origin") throw new ApiError("DASHBOARD_CROSS_SITE");
  const origin = request.headers.origin;
  if (origin !== undefined && origin !== `${request.protocol}://${request.host}`) throw new ApiError("DASHBOARD_CROSS_SITE");
}

/**
 * The cookie's token. Parsed here rather than with @fastify/cookie: one cookie of our own,
 * read and written in a dozen lines, does not justify a new runtime dependency.
 */
export function cookieOf(request: FastifyRequest): string | undefined {
  const header = request.headers.cookie ?? "";
  for (const part of header.split(";").slice(0, 50)) {
    const [name, ...value] = part.trim().split("=");
    if (name === COOKIE_NAME) return value.join("=") || undefined;
  }
  return undefined;
}

/**
 * HttpOnly (no script reads it), SameSite=Strict (no cross-site request carries it),
 * Path=/dashboard (no other route of this server receives it), Secure when the request came
 * over TLS — Fastify's `request.protocol`, which is "https" on a TLS socket (bankgate trusts
 * no proxy header for it: no route of this server decides "over TLS" from one). No Max-Age:
 * the server-side idle expiry decides; the browser forgets it when it closes.
 */
export function setSessionCookie(request: FastifyRequest, reply: FastifyReply, token: string | null): void {
  const attributes = ["Path=/dashboard", "HttpOnly", "SameSite=Strict", ...(request.protocol === "https" ? ["Secure"] : [])];
  const value = token === null ? `${COOKIE_NAME}=; Max-Age=0` : `${COOKIE_NAME}=${token}`;
  reply.header("set-cookie", [value, ...attributes].join("; "));
}

function sameSecret(presented: string, expected: string): boolean {
  const a = Buffer.from(presented);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

import { Type } from "typebox";
import type { LoginForm } from "../../connectors/types.js";
import { ApiError } from "../../errors/api-error.js";
import { isAllowedRedirectUrl } from "../../lib/connect-allow-lists.js";
import { NO_CONNECT_SETTINGS } from "../../records/customer.js";
import type { ApiServices, TypedApp } from "../api-services.js";
import { listInstitutions } from "../bankgate/institutions.js";
import { sendError } from "../plumbing/error-handling.js";
import { sendAsset } from "./send-asset.js";

/** What the page tells the widget before any script runs (widget/src/settings.ts reads it). */
export interface ConnectPageSettings {
  customerId: string;
  customerName: string | null;
  /** The only targets of the widget's postMessage events (never "*"). */
  parentOrigins: string[];
  /** `redirectUrl` as checked against the allow-list here, on the server: the widget uses nothing else. */
  redirect: { url: string | null; refused: boolean };
  /** The institution list, so the first screen needs no API call (GET /bankgate/v1/institutions has the same). */
  institutions: Array<{ id: string; name: string; sandbox: boolean; logoUrl: string | null; loginForm?: LoginForm }>;
  /** A development deployment: the widget names a missing or refused parameter; otherwise it stays neutral. */
  development: boolean;
}

const SETTINGS_PLACEHOLDER = '"__BANKGATE_SETTINGS__"';
export const NOT_BUILT = "The Connect widget is not built: run `npm run build` (npm install does it).";

/**
 * GET /connect/{customerId}/?… — the Connect widget, bankgate's counterpart of
 * `https://{instance}-iframe.private.fin.ag/v2/?…`  — and its hashed
 * assets under /connect/assets/. The HTML is built per customer: its `frame-ancestors` CSP
 * and the widget's postMessage targets come from the customer's parent-origin allow-list,
 * and `redirectUrl` is checked against the redirect allow-list before the page exists.
 */
export function registerConnectPage(app: TypedApp, services: ApiServices): void {
  const { widget } = services;
  const institutions = listInstitutions(services.connectors, "").map(({ id, name, sandbox, logoUrl, loginForm }) => ({
    id,
    name,
    sandbox,
    logoUrl,
    ...(loginForm ? { loginForm } : {}),
  }));

  app.get(
    "/connect/assets/:file",
    { schema: { hide: true, params: Type.Object({ file: Type.String() }) }, config: { auth: "public" } },
    async function connectAsset(request, reply) {
      return sendAsset(request, reply, widget()?.assets.get(request.params.file));
    },
  );

  app.get(
    "/connect/:customerId",
    {
      schema: {
        tags: ["Connect widget"],
        summary: "The Connect widget (HTML page to load in an iframe)",
        description:
          "Takes the Flinks Connect query parameters (authorizeToken, demo, language, redirectUrl, " +
          "requestId, resumeSelectedAccounts, tag …). `Content-Security-Policy: frame-ancestors` lists the customer's " +
          "allowed parent origins; a `redirectUrl` not on the customer's allow-list (exact match) makes the widget " +
          "refuse to start.",
        security: [],
        params: Type.Object({ customerId: Type.String() }),
      },
      config: { auth: "public" },
    },
    async function connectPage(request, reply) {
      const page = widget()?.pages.get("index.html");
      if (!page) return sendError(reply, new ApiError("NOT_FOUND", {}, NOT_BUILT));
      const customer = await services.customers.find(request.params.customerId);
      const connect = customer?.connect ?? NO_CONNECT_SETTINGS;
      const requested = (request.query as Record<string, unknown>).redirectUrl;
      const allowed = typeof requested === "string" && isAllowedRedirectUrl(requested, connect.redirectUrls);
      const settings: ConnectPageSettings = {
        customerId: customer?.id ?? "",
        customerName: customer?.name ?? null,
        parentOrigins: connect.parentOrigins,
        redirect: { url: allowed ? requested : null, refused: requested !== undefined && !allowed },
        institutions,
        development: services.development !== null,
      };
      return reply
        .header("content-type", "text/html; charset=utf-8")
        .header("cache-control", "no-store")
        .header("content-security-policy", widgetCsp(connect.parentOrigins))
        .header("referrer-policy", "no-referrer")
        .header("x-content-type-options", "nosniff")
        .send(page.replace(SETTINGS_PLACEHOLDER, scriptSafeJson(settings)));
    },
  );
}

/**
 * Only the widget's own files run, talk and load; nothing outside the allow-list may frame
 * it (an unknown customer's page may be framed by nobody). Styles are set through the CSSOM
 * (theme colours), which `style-src 'self'` allows.
 */
export function widgetCsp(parentOrigins: readonly string[]): string {
  const ancestors = parentOrigins.length > 0 ? parentOrigins.join(" ") : "'none'";
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "connect-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    `frame-ancestors ${ancestors}`,
  ].join("; ");
}

/** JSON that cannot end the <script> element it sits in, whatever a string holds. */
function scriptSafeJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, "\\u003c")
    .replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029");
}

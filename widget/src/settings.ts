/**
 * What the widget was told: the Flinks Connect URL parameters it honours
 * (https://docs.flinks.com/docs/parameters; unknown ones are ignored) and the settings the server
 * put in the page (the customer's allow-listed parent origins and the redirectUrl it checked).
 */
import type { Institution } from "./api";

export type Language = "en" | "fr";

export interface ServerSettings {
  customerId: string;
  customerName: string | null;
  parentOrigins: string[];
  redirect: { url: string | null; refused: boolean };
  /** The institution list, in the page so the first screen needs no API call. */
  institutions?: Institution[];
  /** A development deployment: a refused token is explained by name; otherwise the message stays neutral. */
  development?: boolean;
}

export interface Params {
  authorizeToken: string | null;
  demo: boolean;
  language: Language;
  /** Navigate the iframe itself instead of the top window. */
  innerRedirect: boolean;
  /** Only post REDIRECT; never navigate. */
  jsRedirect: boolean;
  requestId: string | null;
  resumeSelectedAccounts: string[] | null;
  tag: string | null;
  closeEnable: boolean;
  headerEnable: boolean;
  headerImgEnable: boolean;
  backEnable: boolean;
  consentEnable: boolean;
  customerName: string | null;
  termsUrl: string | null;
  institutionFilterEnable: boolean;
  accountSelectorEnable: boolean;
  accountSelectorMultiple: boolean;
  accountSelectorCurrency: "CAD" | "USD" | null;
  maximumRetry: number | null;
  scheduleRefresh: boolean;
  daysOfTransactions: "Days90" | "Days365" | null;
  detailsAndStatementEnable: boolean;
  monthsOfStatements: "Months3" | "Months12" | null;
  stringify: boolean;
  theme: "light" | "dark";
  backgroundColor: string | null;
  foregroundColor1: string | null;
  foregroundColor2: string | null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const HEX_COLOUR = /^[0-9a-f]{3}(?:[0-9a-f]{3})?$/i;

export function readParams(search: string): Params {
  const query = new URLSearchParams(search);
  const text = (name: string) => {
    const value = query.get(name)?.trim();
    return value ? value : null;
  };
  const flag = (name: string, fallback: boolean) => {
    const value = text(name)?.toLowerCase();
    return value === "true" ? true : value === "false" ? false : fallback;
  };
  const oneOf = <T extends string>(name: string, values: readonly T[]): T | null =>
    values.find((v) => v.toLowerCase() === text(name)?.toLowerCase()) ?? null;
  const colour = (name: string) => {
    const value = text(name)?.replace(/^#/, "") ?? null;
    return value && HEX_COLOUR.test(value) ? `#${value}` : null;
  };
  const requestId = text("requestId");
  const retries = Number(text("maximumRetry"));
  const resumeSelected = (text("resumeSelectedAccounts") ?? "")
    .split(",")
    .map((id) => id.trim())
    .filter((id) => UUID.test(id));
  const termsUrl = text("termsUrl");
  return {
    authorizeToken: text("authorizeToken"),
    demo: flag("demo", false),
    language: oneOf("language", ["en", "fr"] as const) ?? "en",
    innerRedirect: flag("innerRedirect", false),
    jsRedirect: flag("jsRedirect", false),
    requestId: requestId && UUID.test(requestId) ? requestId.toLowerCase() : null,
    resumeSelectedAccounts: resumeSelected.length > 0 ? resumeSelected.map((id) => id.toLowerCase()) : null,
    tag: text("tag"),
    closeEnable: flag("closeEnable", false),
    headerEnable: flag("headerEnable", true),
    headerImgEnable: flag("headerImgEnable", true),
    backEnable: flag("backEnable", true),
    // Older Flinks pages default it off, newer ones on (docs/decisions.md): off keeps the
    // documented event sequence APP_MOUNTED → COMPONENT_LOAD_INSTITUTION_SELECTOR.
    consentEnable: flag("consentEnable", false),
    customerName: text("customerName"),
    termsUrl: termsUrl && /^https?:\/\//i.test(termsUrl) ? termsUrl : null,
    institutionFilterEnable: flag("institutionFilterEnable", false),
    accountSelectorEnable: flag("accountSelectorEnable", false),
    accountSelectorMultiple: flag("accountSelectorMultiple", false),
    accountSelectorCurrency: oneOf("accountSelectorCurrency", ["CAD", "USD"] as const),
    maximumRetry: Number.isInteger(retries) && retries > 0 ? retries : null,
    scheduleRefresh: flag("scheduleRefresh", false),
    daysOfTransactions: text("daysOfTransactions") === "Days360" ? "Days365" : oneOf("daysOfTransactions", ["Days90", "Days365"] as const),
    detailsAndStatementEnable: flag("detailsAndStatementEnable", false),
    monthsOfStatements: oneOf("monthsOfStatements", ["Months3", "Months12"] as const),
    stringify: flag("stringify", false),
    theme: oneOf("theme", ["light", "dark"] as const) ?? "light",
    backgroundColor: colour("backgroundColor"),
    foregroundColor1: colour("foregroundColor1"),
    foregroundColor2: colour("foregroundColor2"),
  };
}

/** The JSON the server wrote into the page (src/api/connect/connect-page.ts). */
export function readServerSettings(doc: Document): ServerSettings {
  const fallback: ServerSettings = { customerId: "", customerName: null, parentOrigins: [], redirect: { url: null, refused: false } };
  try {
    const parsed = JSON.parse(doc.getElementById("bankgate-settings")?.textContent ?? "null") as ServerSettings | string | null;
    return parsed && typeof parsed === "object" ? parsed : fallback;
  } catch {
    return fallback;
  }
}

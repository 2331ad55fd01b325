/** A customer of bankgate (what Flinks calls an instance + customerId). */
export interface Customer {
  id: string;
  name: string;
  /** SHA-256 of the secret key sent in `flinks-auth-key` to /GenerateAuthorizeToken. */
  secretKeyHash: string;
  /** SHA-256 of the API key sent in `x-api-key` or `Authorization: Bearer`. */
  apiKeyHash: string;
  /** "token": /Authorize needs an authorize token or the API key; "open": legacy clients that send no auth. */
  authMode: "token" | "open";
  /** The Connect widget's allow-lists (Flinks' per-instance "Allowed domains"). */
  connect: ConnectSettings;
}

export interface ConnectSettings {
  /** `redirectUrl` values the widget may navigate to, each compared exactly (src/customers/connect-allow-lists.ts). */
  redirectUrls: string[];
  /** Origins (scheme://host[:port]) that may frame the widget (CSP frame-ancestors) and receive its events. */
  parentOrigins: string[];
}

/**
 * What a caller may reach. "customer": it showed one of the customer's credentials (an API
 * key, the secret key, an authorize token bought with the secret key). "sandbox": it showed
 * none — a legacy client served by open auth, or a token from the demo page — and may reach
 * sandbox institutions only: a real institution's card is never served to it.
 */
export type CallerScope = "customer" | "sandbox";

export const NO_CONNECT_SETTINGS: ConnectSettings = { redirectUrls: [], parentOrigins: [] };

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
}

import type { Json } from "../connectors/types.js";
import { keyedHash } from "../lib/ids.js";
import { LruCache } from "../lib/lru-cache.js";
import type { Login } from "../records/login.js";
import type { Session } from "../records/session.js";
import type { Vault } from "../vault/vault.js";

export interface StoredCredentials {
  username: string;
  password: string;
}

/** The AAD of each card and session secret: master-key rotation re-wraps every value under its own. */
export const secretAads = {
  loginUsername: (loginId: string) => `login:${loginId}:username`,
  loginCredentials: (loginId: string) => `login:${loginId}:credentials`,
  sessionCredentials: (requestId: string) => `session:${requestId}:credentials`,
  sessionConnectorState: (requestId: string) => `session:${requestId}:connector-state`,
};

/**
 * Every secret a card or session holds, sealed with a purpose-and-row AAD: a ciphertext
 * copied into another row or field fails to open instead of leaking into the wrong card.
 */
export class CardSecrets {
  /**
   * Usernames by card, with the ciphertext each was opened from: decrypting one costs ~28 µs on
   * every data call otherwise. Keyed by the id alone: a key joining id and ciphertext was a
   * long string built and hashed on every call, ~1 µs (docs/performance.md).
   */
  readonly #usernames = new LruCache<string, { usernameEnc: string; username: string }>(10_000);

  constructor(
    private readonly vault: Vault,
    /** Keys LoginId lookups; generated once per deployment, never rotated. */
    private readonly indexKey: Buffer,
  ) {}

  sealSessionCredentials(requestId: string, credentials: StoredCredentials): string {
    return this.vault.encryptJson(credentials, secretAads.sessionCredentials(requestId));
  }

  openSessionCredentials(session: Session): StoredCredentials | null {
    if (!session.credentialsEnc) return null;
    return this.vault.decryptJson(session.credentialsEnc, secretAads.sessionCredentials(session.requestId));
  }

  sealCardCredentials(loginId: string, credentials: StoredCredentials): string {
    return this.vault.encryptJson(credentials, secretAads.loginCredentials(loginId));
  }

  openCardCredentials(login: Login): StoredCredentials | null {
    if (!login.credentialsEnc) return null;
    return this.vault.decryptJson(login.credentialsEnc, secretAads.loginCredentials(login.id));
  }

  /** Remembered as if read back: a new card's answer shows its username without decrypting it again. */
  sealUsername(loginId: string, username: string): string {
    const usernameEnc = this.vault.encrypt(username, secretAads.loginUsername(loginId));
    this.#usernames.set(loginId, { usernameEnc, username });
    return usernameEnc;
  }

  username(login: Login): string {
    const { usernameEnc } = login;
    const cached = this.#usernames.get(login.id);
    if (cached?.usernameEnc === usernameEnc) return cached.username;
    const username = this.vault.decrypt(usernameEnc, secretAads.loginUsername(login.id));
    this.#usernames.set(login.id, { usernameEnc, username });
    return username;
  }

  sealConnectorState(requestId: string, state: Json): string {
    return this.vault.encryptJson(state, secretAads.sessionConnectorState(requestId));
  }

  openConnectorState(session: Session): Json {
    if (!session.connectorStateEnc) return null;
    return this.vault.decryptJson<Json>(session.connectorStateEnc, secretAads.sessionConnectorState(session.requestId));
  }

  /** The LoginId identity: customer + institution + username (trimmed, case-folded) + language. */
  lookupHash(customerId: string, institution: string, username: string, language: string): string {
    return keyedHash(this.indexKey, "login", customerId, institution.toLowerCase(), username.trim().toLowerCase(), language);
  }
}

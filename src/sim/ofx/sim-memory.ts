import { createHash } from "node:crypto";

/**
 * What the simulated banks remember between requests, per plugin instance (never per module):
 * approved and once-refused CLIENTUIDs, the ACCESSKEYs issued, each login's MFA progress and
 * each user's first signon. Keys are `institution|user|clientuid` in lower case. Bounded: a
 * simulator that outlives a test run forgets its oldest entries rather than grow.
 */
export class OfxSimMemory {
  readonly #refusedClients = new Set<string>();
  readonly #approvedClients = new Set<string>();
  /** ACCESSKEY → the client it was issued to. */
  readonly #accessKeys = new Map<string, string>();
  readonly #mfaRounds = new Map<string, number>();
  readonly #firstSeenMs = new Map<string, number>();
  #issued = 0;

  constructor(
    private readonly seed: string,
    private readonly maxEntries = 100_000,
  ) {}

  /** 15510's flow: the first signon of a CLIENTUID is refused, the next ones pass (the person approved it meanwhile). */
  approveOrRefuse(client: string): boolean {
    if (this.#approvedClients.has(client)) return true;
    if (this.#refusedClients.delete(client)) {
      this.#remember(this.#approvedClients, client);
      return true;
    }
    this.#remember(this.#refusedClients, client);
    return false;
  }

  /** A new ACCESSKEY for `client`: deterministic from the seed and the count issued so far. */
  issueAccessKey(client: string): string {
    this.#issued++;
    const hex = createHash("sha256").update(`${this.seed}\u0000accesskey\u0000${this.#issued}`).digest("hex");
    const key = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`.toUpperCase();
    this.#bounded(this.#accessKeys);
    this.#accessKeys.set(key, client);
    return key;
  }

  accessKeyFits(key: string | undefined, client: string): boolean {
    return key !== undefined && this.#accessKeys.get(key.toUpperCase()) === client;
  }

  mfaRound(client: string): number {
    return this.#mfaRounds.get(client) ?? 0;
  }

  setMfaRound(client: string, round: number): void {
    this.#bounded(this.#mfaRounds);
    this.#mfaRounds.set(client, round);
  }

  /** When the user first signed on (now, on the first call). */
  firstSeen(user: string, nowMs: number): number {
    const seen = this.#firstSeenMs.get(user);
    if (seen !== undefined) return seen;
    this.#bounded(this.#firstSeenMs);
    this.#firstSeenMs.set(user, nowMs);
    return nowMs;
  }

  #remember(set: Set<string>, value: string): void {
    if (set.size >= this.maxEntries) set.delete(set.values().next().value as string);
    set.add(value);
  }

  #bounded(map: Map<string, unknown>): void {
    if (map.size >= this.maxEntries) map.delete(map.keys().next().value as string);
  }
}

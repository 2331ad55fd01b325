import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import type { Json } from "../../connectors/types.js";
import type { SimpleFinSimStore } from "./sim-store.js";

/** A simulated person at the SimpleFIN server: whose data, which scenario, since when. */
export interface SimUser {
  name: string;
  scenario: string;
  createdAt: string;
  /** Bumped when the person disables the app at the server: access URLs claimed before answer 403. */
  accessGeneration: number;
}

interface SimToken {
  user: string;
  claimedAt: string | null;
}

interface SimAccess {
  user: string;
  passwordHash: string;
  /** The user's accessGeneration at the claim. */
  generation: number;
}

/** The simulator's records, typed, over its store. */
export class SimRecords {
  /** Claims run one at a time in this instance, so two racing claims of one token cannot both read it unclaimed. */
  #claims: Promise<unknown> = Promise.resolve();

  constructor(private readonly store: SimpleFinSimStore) {}

  async user(name: string): Promise<SimUser | undefined> {
    return (await this.store.read(`user:${name}`)) as SimUser | undefined;
  }

  async saveUser(user: SimUser): Promise<void> {
    await this.store.write(`user:${user.name}`, user as unknown as Json);
  }

  /** A fresh one-time token for `user`: its id goes in the claim URL. */
  async createToken(user: string): Promise<string> {
    const id = randomBytes(16).toString("hex");
    await this.store.write(`token:${id}`, { user, claimedAt: null } satisfies SimToken);
    return id;
  }

  /**
   * Claims a token once: the user it was made for and new credentials, or null when the token
   * is unknown or was claimed before (the protocol's 403).
   */
  claimToken(id: string, now: Date): Promise<{ user: string; username: string; password: string } | null> {
    const claim = this.#claims.then(() => this.#claim(id, now));
    this.#claims = claim.catch(() => undefined);
    return claim;
  }

  async #claim(id: string, now: Date): Promise<{ user: string; username: string; password: string } | null> {
    const token = (await this.store.read(`token:${id}`)) as SimToken | undefined;
    if (!token || token.claimedAt !== null) return null;
    await this.store.write(`token:${id}`, { ...token, claimedAt: now.toISOString() } satisfies SimToken);
    const generation = (await this.user(token.user))?.accessGeneration ?? 0;
    const username = `sim${randomBytes(8).toString("hex")}`;
    const password = randomBytes(24).toString("base64url");
    await this.store.write(`access:${username}`, { user: token.user, passwordHash: sha256(password), generation } satisfies SimAccess);
    return { user: token.user, username, password };
  }

  /** The user behind Basic credentials, if they are an access URL's and it is not revoked. */
  async authenticate(username: string, password: string): Promise<SimUser | undefined> {
    const access = (await this.store.read(`access:${username}`)) as SimAccess | undefined;
    if (!access || !sameDigest(access.passwordHash, sha256(password))) return undefined;
    const user = await this.user(access.user);
    if (!user || access.generation !== user.accessGeneration) return undefined;
    return user;
  }
}

function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

function sameDigest(a: string, b: string): boolean {
  return a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));
}

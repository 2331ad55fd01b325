import { randomBytes } from "node:crypto";
import { ApiError } from "../errors/api-error.js";
import type { Clock } from "../lib/clock.js";
import { sha256Hex } from "../lib/ids.js";
import type { DashboardStore } from "../storage/dashboard-store.js";
import type { CallerAuth } from "./caller-auth.js";

/** Stale sign-ins removed per new sign-in: the table stays small without a job of its own. */
const PURGE_BATCH = 100;

/** A signed-in dashboard viewer: whose data it sees, and the token its page must send with every change. */
export interface DashboardViewer {
  customerId: string;
  csrfToken: string;
}

/**
 * Dashboard sign-in (docs/dashboard.md): the customer's secret key buys a server-side
 * session whose random token lives only in the viewer's HttpOnly cookie; the store keeps its
 * SHA-256, so a copy of the store signs nobody in. The session ends after `idleSeconds`
 * without a request, or at sign-out. Its clock is the real one, never the sandbox's virtual
 * clock: advancing virtual time must not sign the viewer out.
 */
export class DashboardSignIn {
  constructor(private readonly deps: { store: DashboardStore; callerAuth: CallerAuth; clock: Clock; idleSeconds: number }) {}

  /** Checks the secret key (UNAUTHORIZED otherwise, unknown customers alike); returns the cookie's token. */
  async signIn(customerId: string, secretKey: string): Promise<{ token: string; viewer: DashboardViewer }> {
    const caller = await this.deps.callerAuth.withSecretKey({ customerId, authKey: secretKey });
    const now = this.deps.clock.now();
    await this.deps.store.deleteExpiredSessions(now, PURGE_BATCH);
    const token = randomBytes(32).toString("base64url");
    await this.deps.store.insertSession({
      tokenHash: sha256Hex(token),
      customerId: caller.customer.id,
      createdAt: now,
      expiresAt: this.#expiryFrom(now),
    });
    return { token, viewer: { customerId: caller.customer.id, csrfToken: csrfTokenOf(token) } };
  }

  /** The viewer behind a cookie's token; DASHBOARD_SIGNED_OUT when none, ended or idle too long. Slides the idle expiry. */
  async viewer(token: string | undefined): Promise<DashboardViewer> {
    if (!token) throw new ApiError("DASHBOARD_SIGNED_OUT");
    const tokenHash = sha256Hex(token);
    const session = await this.deps.store.findSession(tokenHash);
    const now = this.deps.clock.now();
    if (!session || session.expiresAt.getTime() <= now.getTime()) throw new ApiError("DASHBOARD_SIGNED_OUT");
    await this.deps.store.touchSession(tokenHash, this.#expiryFrom(now));
    return { customerId: session.customerId, csrfToken: csrfTokenOf(token) };
  }

  async signOut(token: string | undefined): Promise<void> {
    if (token) await this.deps.store.deleteSession(sha256Hex(token));
  }

  get idleSeconds(): number {
    return this.deps.idleSeconds;
  }

  #expiryFrom(now: Date): Date {
    return new Date(now.getTime() + this.deps.idleSeconds * 1000);
  }
}

/**
 * The CSRF token bound to a session: derived from its cookie token (which a page on another
 * site can neither read nor guess), so it needs no storage and dies with the session.
 */
function csrfTokenOf(token: string): string {
  return sha256Hex(`bankgate-dashboard-csrf:${token}`);
}

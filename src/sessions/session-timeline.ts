import type { Challenge } from "../connectors/types.js";
import { ApiError } from "../errors/api-error.js";
import type { Clock } from "../lib/clock.js";
import type { Session } from "../records/session.js";
import type { DashboardStore, SessionEvent } from "../storage/dashboard-store.js";
import type { SessionStore } from "../storage/session-store.js";
import { isExpired } from "./transitions.js";

/**
 * One step of a session as the dashboard shows it. Never an answer, a credential or connector
 * state: the store's events hold states, error codes and the prompts of a 203, nothing else.
 * - login: the credentials went to the institution (a nightly run's too)
 * - challenge: a 203 with these prompts; `code` set when it follows a wrong answer
 * - answer: an answer went to the institution (its text is never kept here)
 * - authorized: the 200
 * - failed: the error that ended the session
 * - expired: the idle expiry or the cap passed (no write marks it: it is read from the times)
 */
export interface TimelineStep {
  at: Date;
  kind: "login" | "challenge" | "answer" | "authorized" | "failed" | "expired";
  code: string | null;
  prompts: string[];
}

export interface SessionTimelineView {
  session: Session;
  expired: boolean;
  steps: TimelineStep[];
}

/** Sessions' timelines, from the events the store records beside each state change (migration 013). */
export class SessionTimeline {
  constructor(private readonly deps: { sessions: SessionStore; dashboard: DashboardStore; clock: Clock }) {}

  async of(customerId: string, requestId: string): Promise<SessionTimelineView> {
    const session = await this.deps.sessions.find(customerId, requestId);
    if (!session) throw new ApiError("SESSION_NONEXISTENT");
    const events = await this.deps.dashboard.sessionEvents(customerId, session.requestId);
    // A cached session records nothing (it is born authorized): its one step is its creation.
    const steps = session.mode === "cached" ? [cachedStep(session)] : events.map(stepOf);
    const expired = isExpired(session, this.deps.clock.now());
    if (expired && session.state !== "failed") steps.push({ at: session.expiresAt, kind: "expired", code: null, prompts: [] });
    return { session, expired, steps };
  }
}

function cachedStep(session: Session): TimelineStep {
  return { at: session.createdAt, kind: session.state === "failed" ? "failed" : "authorized", code: session.errorCode, prompts: [] };
}

function stepOf(event: SessionEvent): TimelineStep {
  const base = { at: event.at, code: event.errorCode, prompts: [] as string[] };
  switch (event.state) {
    case "connecting":
      return { ...base, kind: "login" };
    case "challenged":
      return { ...base, kind: "challenge", prompts: promptsOf(event.challengesJson) };
    case "answering":
      return { ...base, kind: "answer" };
    case "authorized":
      return { ...base, kind: "authorized" };
    default:
      return { ...base, kind: "failed" };
  }
}

/** Only the prompts of the stored challenges: their choices may be phone numbers or images, which the timeline does not need. */
function promptsOf(json: string | null): string[] {
  if (!json) return [];
  try {
    const challenges = JSON.parse(json) as Challenge[];
    return Array.isArray(challenges) ? challenges.map((c) => String(c.prompt)).slice(0, 20) : [];
  } catch {
    return [];
  }
}

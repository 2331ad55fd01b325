import { ApiError } from "../errors/api-error.js";
import type { Clock } from "../lib/clock.js";
import type { Job } from "../queue/job.js";
import { singletonKeys } from "../queue/job-kinds.js";
import type { JobQueue } from "../queue/job-queue.js";
import type { Session } from "../records/session.js";
import type { SessionStore } from "../storage/session-store.js";
import { isExpired } from "./transitions.js";

/** A session as operators and the sandbox see it: never its answers, credentials or connector state. */
export interface SessionSummary {
  session: Session;
  expired: boolean;
}

/** Read-only looks at sessions, for operators, the sandbox control plane and the widget's Resume. */
export class SessionInspector {
  constructor(private readonly deps: { sessions: SessionStore; jobs: JobQueue; clock: Clock }) {}

  /** The session and its card's latest aggregation job. */
  async inspect(customerId: string, requestId: string): Promise<SessionSummary & { aggregation: Job | undefined }> {
    const session = await this.deps.sessions.find(customerId, requestId);
    if (!session) throw new ApiError("SESSION_NONEXISTENT");
    const aggregation = session.loginId ? await this.deps.jobs.findLatest(singletonKeys.aggregation(session.loginId)) : undefined;
    return { ...this.#summary(session), aggregation };
  }

  /** The customer's latest sessions, newest first. */
  async listRecent(customerId: string, limit: number): Promise<SessionSummary[]> {
    const sessions = await this.deps.sessions.listRecent(customerId, limit);
    return sessions.map((session) => this.#summary(session));
  }

  #summary(session: Session): SessionSummary {
    return { session, expired: isExpired(session, this.deps.clock.now()) };
  }
}

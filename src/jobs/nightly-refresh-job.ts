import { ApiError } from "../errors/api-error.js";
import type { Clock } from "../lib/clock.js";
import { newTimeOrderedId } from "../lib/ids.js";
import type { StoredMfaAnswers } from "../logins/stored-mfa-answers.js";
import type { Job } from "../queue/job.js";
import type { RefreshState } from "../records/login.js";
import { isEligibleForNightly } from "../refresh/eligibility.js";
import type { NightlyOutcomes } from "../refresh/record-refresh-outcome.js";
import type { AuthorizeService } from "../sessions/authorize-service.js";
import type { Storage } from "../storage/storage.js";

export interface NightlyRefreshDeps {
  storage: Storage;
  authorize: AuthorizeService;
  storedAnswers: StoredMfaAnswers;
  outcomes: NightlyOutcomes;
  clock: Clock;
}

/**
 * One card's nightly refresh: a live login with the stored credentials (the same flow as a
 * caller's live refresh), MFA answered from stored answers, then the usual aggregation job,
 * which records the success. Unanswerable MFA ends the session at once (so the user's
 * reconnect is not refused as CONCURRENT_SESSION), records QUESTION_NOT_FOUND, and keeps the
 * unanswered questions so GetMFAQuestions can show them.
 *
 * A card held by a live session is skipped: someone is connecting it right now, and that
 * session's outcome becomes the card's. The card is taken for the night before the bank is
 * called, so a rerun (another process's job, a retry after a crash) never calls twice.
 */
export function createNightlyRefreshHandler(deps: NightlyRefreshDeps): (job: Job<"nightly-refresh">) => Promise<void> {
  return async (job) => {
    const { customerId, loginId, night } = job.payload;
    // Taken and read in one statement (a round trip fewer on PostgreSQL): a card that stopped
    // being eligible since the cron enqueued this job is taken for the night all the same, and skipped.
    const card = await deps.storage.logins.takeForNight(customerId, loginId, night);
    if (!card || !isEligibleForNightly(card, deps.clock.now())) return;

    const requestId = newTimeOrderedId();
    let stage: RefreshState = "Authenticating";
    const fail = (code: ApiError["code"]) =>
      deps.outcomes.failed(deps.storage, card, { at: deps.clock.now(), state: stage, errorCode: code, requestId });
    try {
      let outcome = await deps.authorize.startNightlyRefresh(
        { customerId, scope: "customer", requestId, authorizeTokenHash: null, tag: null },
        card,
      );
      while (outcome.kind === "challenged") {
        stage = "AnsweringSecurityChallenge";
        const current = (await deps.storage.logins.find(customerId, loginId)) ?? card;
        const stored = deps.storedAnswers.answer(current, outcome.session.challenges ?? []);
        if (stored.kind === "missing") {
          await deps.authorize.abandon(customerId, requestId, "QUESTION_NOT_FOUND");
          const unanswered = stored.challenges.filter((c) => c.type === "QuestionAndAnswer");
          await deps.storedAnswers.merge(
            current,
            unanswered.map((c) => ({ question: c.prompt, answer: null })),
          );
          return await fail("QUESTION_NOT_FOUND");
        }
        outcome = await deps.authorize.continue(customerId, "customer", requestId, stored.answers);
      }
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      // Someone is connecting the card right now: that session's outcome becomes the card's.
      if (error.code === "CONCURRENT_SESSION" || error.code === "SESSION_REPLACED") return;
      await deps.authorize.abandon(customerId, requestId, error.code);
      await fail(error.code);
    }
  };
}

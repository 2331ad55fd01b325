import type { ConnectorRegistry } from "../connectors/registry.js";
import { assertScopeReaches } from "../customers/caller-scope.js";
import { ApiError } from "../errors/api-error.js";
import type { ErrorCode } from "../errors/catalog.js";
import type { Clock } from "../lib/clock.js";
import type { StoredMfaAnswers, StoredQuestion } from "../logins/stored-mfa-answers.js";
import type { CallerScope } from "../records/customer.js";
import type { Login, RefreshState } from "../records/login.js";
import type { Storage } from "../storage/storage.js";
import { needsAttention } from "./eligibility.js";

/**
 * A card GetNightlyRefreshStatus lists
 * (https://docs.flinks.com/api/connect/endpoints/account-linking/get-nightly-refresh-status).
 */
export interface CardRefreshStatus {
  loginId: string;
  lastRefreshDate: Date | null;
  lastRefreshState: RefreshState | null;
  lastRefreshErrorCode: ErrorCode | null;
}

/**
 * Card-management side of the nightly refresh: scheduling, status, stored MFA answers
 * (/SetScheduledRefresh, /GetNightlyRefreshStatus, /GetMFAQuestions and /AnswerMFAQuestions in
 * docs/flinks-compatibility.md#endpoints).
 */
export class CardRefreshService {
  constructor(
    private readonly storage: Storage,
    private readonly storedAnswers: StoredMfaAnswers,
    private readonly clock: Clock,
    private readonly connectors: ConnectorRegistry,
  ) {}

  /**
   * Accepted for any card, as Flinks accepts it: a card without saved credentials is then
   * listed by GetNightlyRefreshStatus with its reason until it is connected again with Save.
   */
  async setScheduled(customerId: string, scope: CallerScope, loginId: string, activated: boolean): Promise<void> {
    await this.#card(customerId, scope, loginId);
    await this.storage.logins.setScheduledRefresh(customerId, loginId, activated);
  }

  /**
   * The scheduled cards the nightly run will skip, or whose last refresh failed, each with why.
   * A card without saved credentials cannot log in: it is reported as a refresh would end for
   * it (Authenticating, NO_SAVED_CREDENTIALS), whatever its last refresh did.
   */
  async status(customerId: string): Promise<CardRefreshStatus[]> {
    const now = this.clock.now();
    return (await this.storage.logins.findScheduled(customerId))
      .filter((card) => needsAttention(card, now))
      .map((card) => {
        const cannotLogIn = card.credentialsEnc === null;
        return {
          loginId: card.id,
          lastRefreshDate: card.refreshAttemptedAt ?? card.lastRefreshAt,
          lastRefreshState: cannotLogIn ? "Authenticating" : card.refreshState,
          lastRefreshErrorCode: cannotLogIn ? "NO_SAVED_CREDENTIALS" : card.lastRefreshError,
        };
      });
  }

  /** The questions the bank asked this card (answers never leave the vault through the API). */
  async questions(customerId: string, scope: CallerScope, loginId: string): Promise<string[]> {
    return this.storedAnswers.list(await this.#card(customerId, scope, loginId)).map((q) => q.question);
  }

  async answerQuestions(customerId: string, scope: CallerScope, loginId: string, answers: readonly StoredQuestion[]): Promise<void> {
    await this.storedAnswers.merge(await this.#card(customerId, scope, loginId), answers);
  }

  async #card(customerId: string, scope: CallerScope, loginId: string): Promise<Login> {
    const card = await this.storage.logins.find(customerId, loginId);
    if (!card) throw new ApiError("INVALID_LOGIN");
    assertScopeReaches(scope, this.connectors, card.institution);
    return card;
  }
}

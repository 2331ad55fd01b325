import type { ErrorCode } from "../errors/catalog.js";
import type { CardSecrets } from "../logins/card-secrets.js";
import type { Login, RefreshState } from "../records/login.js";
import type { Storage } from "../storage/storage.js";
import { refreshFailedEvent } from "../webhooks/refresh-failed-event.js";
import type { WebhookPublisher } from "../webhooks/webhook-publisher.js";

/**
 * The one place where a nightly refresh's outcome is recorded on the card (what
 * GetNightlyRefreshStatus and cached /Authorize then report). A failure also tells the
 * customer, by a RefreshFailed webhook committed with it: the app's cue to bring the user
 * back through Mid-Session Reconnect.
 */
export class NightlyOutcomes {
  constructor(private readonly deps: { webhooks: WebhookPublisher; secrets: CardSecrets }) {}

  /** Inside the aggregation's transaction, with the data it published. */
  completed(tx: Storage, loginId: string, at: Date): Promise<void> {
    return tx.logins.recordRefreshState(loginId, { at, state: "Completed", errorCode: null });
  }

  async failed(storage: Storage, card: Login, failure: { at: Date; state: RefreshState; errorCode: ErrorCode; requestId: string | null }) {
    const { at, state, errorCode, requestId } = failure;
    const event = refreshFailedEvent({ login: card, username: this.deps.secrets.username(card), errorCode, failedAt: at, requestId });
    await storage.transaction(async (tx) => {
      // A card deleted while its refresh ran has nothing to report, and no event may name it.
      if (!(await tx.logins.holdForWrite(card.customerId, card.id))) return;
      await tx.logins.recordRefreshState(card.id, { at, state, errorCode });
      await this.deps.webhooks.publish(event, tx);
    });
  }
}

import { randomBytes } from "node:crypto";
import type { Clock } from "../lib/clock.js";
import type { Storage } from "../storage/storage.js";
import type { Vault } from "../vault/vault.js";

/**
 * A customer's receiver: its URL and the HMAC secret the events are signed with. The
 * secret is bankgate's own per customer, not the customer's secret key (which is stored
 * only as a hash), as Flinks issues an HMAC secret for webhooks apart from the secret key.
 */
export class WebhookSettings {
  constructor(
    private readonly storage: Storage,
    private readonly vault: Vault,
    private readonly clock: Clock,
  ) {}

  /**
   * Sets the receiver URL (already checked by checkWebhookUrl). `secret` replaces the
   * signing secret; without one the current secret is kept, or a new one generated and
   * returned (the only time it is shown).
   */
  async configure(customerId: string, url: string, secret: string | null): Promise<{ generatedSecret: string | null }> {
    const current = await this.storage.webhooks.findEndpoint(customerId);
    const generatedSecret = secret === null && !current ? randomBytes(32).toString("base64url") : null;
    const chosen = secret ?? generatedSecret;
    await this.storage.webhooks.upsertEndpoint({
      customer_id: customerId,
      url,
      secret_enc: chosen === null && current ? current.secret_enc : this.vault.encrypt(chosen ?? "", webhookSecretAad(customerId)),
      updated_at: this.clock.now().getTime(),
    });
    return { generatedSecret };
  }

  /** Where the customer's events go (never the secret), or null when no receiver is set. */
  async receiver(customerId: string): Promise<{ url: string; updatedAt: Date } | null> {
    const endpoint = await this.storage.webhooks.findEndpoint(customerId);
    return endpoint ? { url: endpoint.url, updatedAt: new Date(Number(endpoint.updated_at)) } : null;
  }
}

export function webhookSecretAad(customerId: string): string {
  return `customer:${customerId}:webhook-secret`;
}

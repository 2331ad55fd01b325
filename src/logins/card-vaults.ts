import type { CardVault, Json } from "../connectors/types.js";
import type { Clock } from "../lib/clock.js";
import type { CardVaultStore } from "../storage/card-vault-store.js";
import type { Vault } from "../vault/vault.js";

/** Opens the CardVault of one card identity: values sealed with an AAD naming that card. */
export class CardVaults {
  constructor(
    private readonly store: CardVaultStore,
    private readonly vault: Vault,
    private readonly clock: Clock,
  ) {}

  of(customerId: string, lookupHash: string): CardVault {
    const purpose = cardVaultAad(lookupHash);
    return {
      read: async () => {
        const sealed = await this.store.read(lookupHash);
        return sealed === undefined ? null : this.vault.decryptJson<Json>(sealed, purpose);
      },
      write: (value) => this.store.write(lookupHash, customerId, this.vault.encryptJson(value, purpose), this.clock.now()),
    };
  }
}

/** Binds a card vault's value to the card identity (master-key rotation re-wraps it under it). */
export function cardVaultAad(lookupHash: string): string {
  return `card-vault:${lookupHash}`;
}

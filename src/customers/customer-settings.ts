import type { CustomerStore } from "../storage/customer-store.js";

/** A customer's own switches, as bankgate's operator API shows and changes them. */
export interface CustomerSettingsView {
  /** Accepted answers to QuestionAndAnswer prompts are kept (encrypted, per card) for nightly refreshes. */
  storeMfaAnswers: boolean;
}

/**
 * The per-customer settings behind `GET|PUT /bankgate/v1/{customerId}/settings`. Turning
 * `storeMfaAnswers` off stops keeping new answers; answers already stored stay until
 * /AnswerMFAQuestions replaces them or /DeleteCard removes the card (the nightly refresh still
 * needs them).
 */
export class CustomerSettings {
  constructor(private readonly customers: CustomerStore) {}

  async read(customerId: string): Promise<CustomerSettingsView> {
    return { storeMfaAnswers: await this.customers.storesMfaAnswers(customerId) };
  }

  async update(customerId: string, changes: Partial<CustomerSettingsView>): Promise<CustomerSettingsView> {
    if (changes.storeMfaAnswers !== undefined) await this.customers.setStoresMfaAnswers(customerId, changes.storeMfaAnswers);
    return this.read(customerId);
  }
}

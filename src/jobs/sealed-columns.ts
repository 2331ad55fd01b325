import { secretAads } from "../logins/card-secrets.js";
import { cardVaultAad } from "../logins/card-vaults.js";
import { INDEX_KEY_AAD, INDEX_KEY_SETTING } from "../logins/index-key.js";
import { mfaAnswersAad } from "../logins/stored-mfa-answers.js";
import { jobPayloadAad } from "../queue/job-queue.js";
import type { SealedColumn } from "../storage/sealed-value-store.js";
import { webhookBodyAad } from "../webhooks/webhook-event.js";
import { webhookSecretAad } from "../webhooks/webhook-settings.js";

/**
 * Every stored secret, as master-key rotation sees it: the column and the AAD its owner binds
 * each value to, from the row's key (null: the row holds no vault value). A column missing
 * here would keep the old key alive: test/api/master-key-rotation.test.ts starts with the new
 * key alone to prove none is.
 */
export const SEALED_VALUE_AADS: Record<SealedColumn, (key: string) => string | null> = {
  "logins.username_enc": secretAads.loginUsername,
  "logins.credentials_enc": secretAads.loginCredentials,
  "logins.mfa_answers_enc": mfaAnswersAad,
  "sessions.credentials_enc": secretAads.sessionCredentials,
  "sessions.connector_state_enc": secretAads.sessionConnectorState,
  "card_vault.value_enc": cardVaultAad,
  "webhook_endpoints.secret_enc": webhookSecretAad,
  "webhook_events.body_enc": webhookBodyAad,
  "jobs.payload_enc": jobPayloadAad,
  "server_settings.value": (name) => (name === INDEX_KEY_SETTING ? INDEX_KEY_AAD : null),
};

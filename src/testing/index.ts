/** `import { startBankgate } from "bankgate/testing"` (docs/testing.md). */
export { type NextRefresh, type RunningBankgate, type StartBankgateOptions, startBankgate } from "./start-bankgate.js";
export type { ReceivedWebhook, WebhookInbox } from "./webhook-inbox.js";

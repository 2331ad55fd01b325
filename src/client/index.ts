/**
 * `import { FlinksClient, BankgateControl } from "bankgate/client"`: a typed client of the
 * Flinks API (bankgate's or Flinks' own) and of bankgate's control plane (docs/client.md).
 * Nothing here imports the server: the types come from its schemas, erased at build.
 */
export { BankgateControl, type BankgateControlOptions } from "./bankgate-control.js";
export { BankgateClientError, type ClientFailure } from "./client-error.js";
export type * from "./control-types.js";
export { type AnswerOptions, type CallOptions, FlinksClient, type FlinksClientOptions } from "./flinks-client.js";
export * from "./flinks-types.js";
export type { ClientTimer, Idempotency, RetryOptions } from "./http-caller.js";
export type { MfaAnswers } from "./mfa-rounds.js";
export type { PollOptions } from "./poll-until-settled.js";

/**
 * What the client throws: never for an answer the API gave (a Flinks error is a value of the
 * answer union), only when there is no usable answer — the network failed on every allowed
 * attempt, the body was not the JSON the operation answers, or a poll passed its deadline.
 * The control plane (BankgateControl) also throws "error-answer" for an error it was answered:
 * its calls are a test's set-up, where an error is a failed set-up.
 * Messages name the operation, never a key, token, password or answer.
 */
export type ClientFailure = "network" | "unexpected-response" | "poll-timeout" | "too-many-rounds" | "error-answer";

export class BankgateClientError extends Error {
  override readonly name = "BankgateClientError";

  constructor(
    readonly failure: ClientFailure,
    message: string,
    readonly details: {
      /** The HTTP status of the last answer, when there was one. */
      status?: number;
      /** The last answer received: a 202 (poll-timeout), a 203 (too-many-rounds), the error body (error-answer). */
      lastAnswer?: unknown;
      cause?: unknown;
    } = {},
  ) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
  }
}

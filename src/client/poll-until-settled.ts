import { BankgateClientError } from "./client-error.js";
import type { Settled } from "./flinks-types.js";
import type { ClientTimer } from "./http-caller.js";

export interface PollOptions {
  /** Wait between two polls (default 1000 ms). */
  intervalMs?: number;
  /** Give up (BankgateClientError "poll-timeout") this long after the first 202 (default 120 000 ms). */
  timeoutMs?: number;
}

/**
 * Polls while the answer is a 202: waits intervalMs, asks again, until a 200, a 203 or an
 * error, or the deadline. The number of polls is bounded by timeoutMs / intervalMs as well as
 * by the clock, so a timer whose time stands still cannot make it loop forever.
 */
export async function pollUntilSettled<T extends { HttpStatusCode: number }>(
  first: T,
  next: () => Promise<T>,
  timer: ClientTimer,
  options: PollOptions,
  operation: string,
): Promise<Settled<T>> {
  const intervalMs = Math.max(1, options.intervalMs ?? 1_000);
  const timeoutMs = Math.max(0, options.timeoutMs ?? 120_000);
  const maxPolls = Math.ceil(timeoutMs / intervalMs) + 1;
  const deadline = timer.now() + timeoutMs;
  let answer = first;
  for (let polls = 0; answer.HttpStatusCode === 202; polls++) {
    if (polls >= maxPolls || timer.now() >= deadline) {
      throw new BankgateClientError("poll-timeout", `${operation}: still 202 after ${timeoutMs} ms of polling`, { lastAnswer: answer });
    }
    await timer.sleep(intervalMs);
    answer = await next();
  }
  return answer as Settled<T>;
}

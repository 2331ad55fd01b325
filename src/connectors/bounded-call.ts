import type { StepResult } from "./types.js";

/** Rejects when `work` has not settled within `seconds`; the timer never outlives the race. */
export function withTimeout<T>(work: Promise<T>, seconds: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error("connector timeout")), seconds * 1000);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/**
 * An institution step, bounded: a hanging bank answers RETRY_LATER, and a connector that
 * throws is an unreachable bank to the caller, never a 500.
 */
export async function boundedStep(step: () => Promise<StepResult>, seconds: number): Promise<StepResult> {
  try {
    return await withTimeout(step(), seconds);
  } catch {
    return { kind: "failed", code: "RETRY_LATER" };
  }
}

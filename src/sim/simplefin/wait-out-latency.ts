import type { ServerResponse } from "node:http";
import type { Clock } from "../../lib/clock.js";

/**
 * The slow scenario's wait on the clock, or the hanging one's with no end; either stops early
 * when the client gives up or the server closes, so a hanging answer never holds a server open.
 * The listeners go with the wait.
 */
export async function waitOutLatency(
  latency: "slow" | "hang",
  clock: Clock,
  slowSeconds: number,
  response: ServerResponse,
  closing: AbortSignal,
): Promise<void> {
  if (closing.aborted) return;
  let stop = () => {};
  const gone = new Promise<void>((resolve) => {
    stop = resolve;
  });
  response.once("close", stop);
  closing.addEventListener("abort", stop, { once: true });
  try {
    const wake = latency === "slow" ? clock.sleepUntil(new Date(clock.now().getTime() + slowSeconds * 1000)) : gone;
    await Promise.race([wake, gone]);
  } finally {
    response.off("close", stop);
    closing.removeEventListener("abort", stop);
  }
}

import { useCallback, useEffect, useRef, useState } from "preact/hooks";
import { ApiFailure } from "./api";

/** How often an open screen asks again: live enough to watch a session expire, light on the server. */
export const POLL_MS = 2000;

export interface Polled<T> {
  data: T | null;
  error: ApiFailure | null;
  /** When `data` arrived (the page's clock), for countdowns between polls. */
  receivedAt: number;
  reload(): void;
}

/**
 * Loads now and every POLL_MS while mounted (and not when the tab is hidden). A signed-out
 * answer goes to `onSignedOut` so the page returns to the sign-in form.
 */
export function usePoll<T>(load: () => Promise<T>, key: string, onSignedOut: () => void, every = POLL_MS): Polled<T> {
  const [state, setState] = useState<{ data: T | null; error: ApiFailure | null; receivedAt: number }>({
    data: null,
    error: null,
    receivedAt: 0,
  });
  const loadRef = useRef(load);
  loadRef.current = load;
  const [tick, setTick] = useState(0);
  const reload = useCallback(() => setTick((n) => n + 1), []);

  useEffect(() => {
    setState({ data: null, error: null, receivedAt: 0 });
  }, [key]);

  useEffect(() => {
    let cancelled = false;
    const run = async () => {
      if (document.hidden) return;
      try {
        const data = await loadRef.current();
        if (!cancelled) setState({ data, error: null, receivedAt: Date.now() });
      } catch (error) {
        if (cancelled) return;
        if (error instanceof ApiFailure && error.code === "DASHBOARD_SIGNED_OUT") onSignedOut();
        else setState((s) => ({ ...s, error: error instanceof ApiFailure ? error : new ApiFailure(0, "NETWORK", String(error)) }));
      }
    };
    run();
    const timer = every > 0 ? setInterval(run, every) : undefined;
    return () => {
      cancelled = true;
      if (timer) clearInterval(timer);
    };
  }, [key, tick, every, onSignedOut]);

  return { ...state, reload };
}

/** Re-renders every second (countdowns). */
export function useSecondTick(): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);
  return now;
}

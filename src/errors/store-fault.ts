/**
 * Why the store could not do its work right now. Each kind is transient: the same request
 * may work once the fault clears, so each is answered `503 TEMPORARILY_UNAVAILABLE` with a
 * `Retry-After`, never as a bug (docs/decisions.md, "Faults answered as faults").
 * - busy: another process holds the SQLite write lock, or a PostgreSQL lock, past the
 *   bounded wait (BANKGATE_STORE_WAIT_MS);
 * - full: the disk under the store has no space left;
 * - unreachable: the PostgreSQL server is down, restarting or refusing connections.
 */
export type StoreFaultKind = "busy" | "full" | "unreachable";

/**
 * Seconds a client should wait before retrying, by kind: a lock is usually released within
 * a second or two, a database restart takes a few seconds, and a full disk needs someone to
 * free space, so retrying it every second would only add load.
 */
export const RETRY_AFTER_SECONDS: Readonly<Record<StoreFaultKind, number>> = {
  busy: 1,
  unreachable: 5,
  full: 30,
};

/**
 * Thrown by the storage drivers in place of the driver's own error (kept as `cause`), so
 * every layer can tell a transient store fault from a bug without knowing the drivers.
 */
export class StoreFaultError extends Error {
  override readonly name = "StoreFaultError";

  constructor(
    readonly kind: StoreFaultKind,
    options: { cause?: unknown } = {},
  ) {
    super(`store ${kind}`, options);
  }

  get retryAfterSeconds(): number {
    return RETRY_AFTER_SECONDS[this.kind];
  }
}

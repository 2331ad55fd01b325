import type { StoreFaultKind } from "../errors/store-fault.js";
import { isStalePreparedStatement } from "./postgres-statement-names.js";

/**
 * Which driver errors are transient store faults (errors/store-fault.ts), for each store.
 * Anything not listed is a bug or a misconfiguration and stays what it is (a 500).
 */
export type StoreFaultClassifier = (error: unknown) => StoreFaultKind | null;

/** better-sqlite3's SqliteError codes: the extended result codes of https://www.sqlite.org/rescode.html */
export const sqliteFaultKind: StoreFaultClassifier = (error) => {
  const code = codeOf(error);
  if (code === undefined) return null;
  // SQLITE_BUSY and its extended codes (_SNAPSHOT, _RECOVERY, _TIMEOUT): another connection holds a lock.
  if (code.startsWith("SQLITE_BUSY") || code === "SQLITE_LOCKED") return "busy";
  if (code === "SQLITE_FULL") return "full";
  return null;
};

/** Network errors of the PostgreSQL socket: the server is down, restarting or out of reach. */
const UNREACHABLE_SOCKET_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "EPIPE", "ETIMEDOUT", "EHOSTUNREACH", "ENETUNREACH", "EAI_AGAIN"]);

/**
 * SQLSTATEs (https://www.postgresql.org/docs/current/errcodes-appendix.html) that pass: a
 * lock or serialization conflict (busy), a full disk, a server shutting down or refusing
 * connections (unreachable). pg's own connection errors carry no code, only a message.
 */
export const postgresFaultKind: StoreFaultClassifier = (error) => {
  const code = codeOf(error);
  if (code !== undefined) {
    if (UNREACHABLE_SOCKET_CODES.has(code)) return "unreachable";
    if (code === "55P03" || code === "40001" || code === "40P01" || code === "57014") return "busy";
    // Its retry runs the statement unnamed (postgres-statement-names.ts).
    if (isStalePreparedStatement(error)) return "busy";
    if (code === "53100") return "full";
    if (code.startsWith("08") || code === "57P01" || code === "57P02" || code === "57P03" || code === "53300") return "unreachable";
  }
  const message = error instanceof Error ? error.message : "";
  if (/^Connection terminated|^timeout exceeded when trying to connect|is not queryable/.test(message)) return "unreachable";
  return null;
};

function codeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code : undefined;
}

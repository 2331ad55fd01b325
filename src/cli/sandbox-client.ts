import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { BankgateControl } from "../client/bankgate-control.js";
import { BankgateClientError } from "../client/client-error.js";
import { isUuid } from "../lib/ids.js";
import { CliError } from "./exit-codes.js";

export interface SandboxTarget {
  /** The server's origin, e.g. http://127.0.0.1:3000. */
  url: string;
  customerId: string;
  secretKey: string;
}

export interface TargetOptions {
  url?: string;
  customerId?: string;
  dataDir?: string;
}

const TIMEOUT_MS = 30_000;

/**
 * Which server and whose secret key the `sandbox` commands use: --url (else BANKGATE_URL,
 * else 127.0.0.1 on PORT or 3000); the customer from --customer-id or BANKGATE_CUSTOMER_ID,
 * the secret key from BANKGATE_SECRET_KEY — or both from the data directory's development
 * customer (dev-customer.json), which is what a fresh `bankgate start` generated.
 */
export function sandboxTarget(options: TargetOptions, env: Record<string, string | undefined>): SandboxTarget {
  const url = (options.url ?? env.BANKGATE_URL ?? `http://127.0.0.1:${env.PORT || "3000"}`).replace(/\/+$/, "");
  const file = join(options.dataDir ?? env.BANKGATE_DATA_DIR ?? "./data", "dev-customer.json");
  const stored = existsSync(file) ? (JSON.parse(readFileSync(file, "utf8")) as { customerId?: string; secretKey?: string }) : {};
  const customerId = options.customerId ?? env.BANKGATE_CUSTOMER_ID ?? stored.customerId;
  const secretKey = env.BANKGATE_SECRET_KEY ?? (customerId === stored.customerId ? stored.secretKey : undefined);
  if (!customerId || !isUuid(customerId))
    throw new CliError(
      "usage",
      "no customer: pass --customer-id (a GUID), set BANKGATE_CUSTOMER_ID, or point --data-dir at a development data directory",
    );
  if (!secretKey) throw new CliError("usage", "no secret key: set BANKGATE_SECRET_KEY (it is never taken on the command line)");
  return { url, customerId, secretKey };
}

/**
 * One call to the control plane (/sandbox/v1/{customerId}/…) through the typed client; a
 * failure becomes the CliError whose exit code says what went wrong, with the server's message.
 * No retries: a person at a prompt sees the failure at once and decides.
 */
export async function controlCall<A>(target: SandboxTarget, call: (control: BankgateControl) => Promise<A>): Promise<A> {
  const control = new BankgateControl({ ...target, retry: { attempts: 1, requestTimeoutMs: TIMEOUT_MS } });
  try {
    return await call(control);
  } catch (error) {
    throw cliErrorOf(target, error);
  }
}

function cliErrorOf(target: SandboxTarget, error: unknown): CliError {
  if (!(error instanceof BankgateClientError)) return new CliError("failed", error instanceof Error ? error.message : String(error));
  if (error.failure === "network") {
    const cause = (error.cause as { cause?: { code?: string } } | undefined)?.cause?.code ?? error.message;
    return new CliError("unreachable", `no bankgate answered at ${target.url} (${cause})`);
  }
  const status = error.details.status ?? 0;
  const answer = error.details.lastAnswer as { Message?: string; message?: string; FlinksCode?: string } | undefined;
  const message = answer?.Message ?? answer?.message ?? error.message;
  const code = answer?.FlinksCode;
  if (status === 404 && code === "NOT_FOUND" && /route/i.test(message)) {
    return new CliError("failed", `${target.url} has no sandbox control plane (start it with BANKGATE_SANDBOX_CONTROL=on): ${message}`);
  }
  // The control plane answers an unknown LoginId as Flinks does: INVALID_LOGIN.
  const notFound = status === 404 || code === "INVALID_LOGIN";
  return new CliError(notFound ? "notFound" : "failed", `${status}${code ? ` ${code}` : ""}: ${message}`);
}

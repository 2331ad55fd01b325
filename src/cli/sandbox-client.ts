import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
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

/** One call to the control plane (/sandbox/v1/{customerId}/…); the answer's JSON, or a CliError with the server's message. */
export async function callSandbox(target: SandboxTarget, method: "GET" | "POST" | "PUT", path: string, body?: unknown): Promise<unknown> {
  let response: Response;
  try {
    response = await fetch(`${target.url}/sandbox/v1/${target.customerId}/${path}`, {
      method,
      headers: { "flinks-auth-key": target.secretKey, ...(body === undefined ? {} : { "content-type": "application/json" }) },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error instanceof Error ? error.message : String(error));
    throw new CliError("unreachable", `no bankgate answered at ${target.url} (${cause})`);
  }
  const text = await response.text();
  const parsed = parseJson(text);
  if (response.ok) return parsed;
  const message =
    (parsed as { Message?: string; message?: string } | undefined)?.Message ??
    (parsed as { message?: string } | undefined)?.message ??
    text.slice(0, 300);
  const code = (parsed as { FlinksCode?: string } | undefined)?.FlinksCode;
  if (response.status === 404 && code === "NOT_FOUND" && /route/i.test(message)) {
    throw new CliError("failed", `${target.url} has no sandbox control plane (start it with BANKGATE_SANDBOX_CONTROL=on): ${message}`);
  }
  // The control plane answers an unknown LoginId as Flinks does: INVALID_LOGIN.
  const notFound = response.status === 404 || code === "INVALID_LOGIN";
  throw new CliError(notFound ? "notFound" : "failed", `${response.status}${code ? ` ${code}` : ""}: ${message}`);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

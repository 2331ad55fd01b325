import pino, { type LoggerOptions } from "pino";
import { loggerOptions } from "./api/plumbing/logger-options.js";
import { buildApp } from "./app.js";
import { loadConfig } from "./config/config.js";
import { createDeps } from "./deps.js";

/** Entry: loadConfig → createDeps → buildApp → listen (docs/architecture.md). */
async function main(): Promise<void> {
  const config = loadConfig();
  const log = pino(loggerOptions(config.server.logLevel) as LoggerOptions);
  const deps = await createDeps(config, { log });
  for (const warning of deps.warnings) log.warn(warning);
  // Roles (docs/architecture.md): "all" is the embedded mode; "api" and "worker" share one PostgreSQL.
  if (config.server.role !== "api") deps.runner.start();
  if (config.server.role !== "api" && config.nightly.enabled) deps.nightly.start();
  const app = config.server.role === "worker" ? null : await buildApp(deps);

  if (app) printWelcome(await app.listen({ port: config.server.port, host: config.server.host }), deps);
  else log.info("worker started: running jobs, serving no HTTP");

  const shutdown = async (signal: string) => {
    log.info({ signal }, "shutting down");
    await app?.close();
    await deps.close();
    process.exit(0);
  };
  process.once("SIGINT", () => void shutdown("SIGINT"));
  process.once("SIGTERM", () => void shutdown("SIGTERM"));
}

/** Printed to stdout, not the log: these keys are for the person at the terminal. */
function printWelcome(address: string, deps: Awaited<ReturnType<typeof createDeps>>): void {
  const lines = [
    "",
    `bankgate is listening on ${address} (store: ${deps.storeKind})`,
    `  API       ${address}/v3/{customerId}/BankingServices/{Operation}`,
    `  API docs  ${address}/docs`,
  ];
  const keys = deps.developmentCustomer;
  if (keys) lines.push(`  Connect   ${address}/connect/${keys.customerId}/?demo=true   (the widget; embed it in an allow-listed page)`);
  if (keys && deps.sandboxClock) lines.push(`  Demo      ${address}/demo   (a parent app embedding the widget)`);
  if (keys) {
    lines.push(
      "",
      "Development customer:",
      `  customerId  ${keys.customerId}`,
      `  secret key  ${keys.secretKey}   (flinks-auth-key on /GenerateAuthorizeToken)`,
      `  API key     ${keys.apiKey}   (x-api-key on the data endpoints)`,
      `  try: curl -s -X POST ${address}/v3/${keys.customerId}/BankingServices/GenerateAuthorizeToken -H 'flinks-auth-key: ${keys.secretKey}'`,
    );
  }
  process.stdout.write(`${lines.join("\n")}\n\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`bankgate failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});

import cluster from "node:cluster";
import type { AddressInfo } from "node:net";
import pino, { type LoggerOptions } from "pino";
import { loggerOptions } from "./api/plumbing/logger-options.js";
import { buildApp } from "./app.js";
import { runPrimary } from "./cluster/primary.js";
import { PrimaryLink } from "./cluster/primary-link.js";
import { loadConfig } from "./config/config.js";
import { createDeps } from "./deps.js";
import { systemClock } from "./lib/clock.js";
import { DroppingLogStream } from "./lib/dropping-log-stream.js";
import { shutDownWithin } from "./lib/graceful-shutdown.js";
import { startBanner } from "./start-banner.js";

/**
 * Entry: loadConfig → createDeps → buildApp → listen (docs/architecture.md); with
 * BANKGATE_WORKERS > 1, the primary process starts that many workers that each do so.
 */
async function main(): Promise<void> {
  const config = loadConfig();
  // A log line that cannot be written (full disk, closed pipe) is dropped and counted, never fatal;
  // the start banner on stderr is best effort too (an unhandled ENOSPC there ended the process).
  const logStream = new DroppingLogStream(1);
  process.stderr.on("error", () => {});
  const log = pino(loggerOptions(config.server.logLevel) as LoggerOptions, logStream);
  if (config.server.workers > 1 && cluster.isPrimary) return runPrimary(config, log);
  const primary = cluster.isWorker ? new PrimaryLink() : undefined;
  const deps = await createDeps(config, { log, primary });
  // Roles (docs/architecture.md): "all" is the embedded mode; "api" and "worker" share one PostgreSQL.
  if (config.server.role !== "api") deps.runner.start();
  if (config.server.role !== "api" && config.nightly.enabled) deps.nightly.start();
  if (config.server.role !== "api") deps.retention.start();
  const app = config.server.role === "worker" ? null : await buildApp(deps, { logStream });

  if (app) {
    const address = await app.listen({ port: config.server.port, host: config.server.host });
    deps.selfAddress.listening(config.server.host, (app.server.address() as AddressInfo).port);
    // Workers share one address: the first one to start speaks for them all.
    if (!primary || cluster.worker?.id === 1) process.stderr.write(startBanner(address, deps));
  } else log.info("worker started: running jobs, serving no HTTP");
  primary?.ready();

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return; // SIGINT from a terminal reaches the primary's workers as well as the primary, which then sends SIGTERM
    stopping = true;
    log.info({ signal, graceSeconds: config.server.shutdownGraceSeconds }, "shutting down");
    const outcome = await shutDownWithin({
      graceSeconds: config.server.shutdownGraceSeconds,
      clock: systemClock,
      // HTTP and background work stop together; the store closes once both are done.
      drain: async () => {
        await Promise.all([app?.close(), deps.stopBackground()]);
        await deps.close();
      },
      abandon: () => deps.leaseHolders.abandon(),
      log,
    });
    process.exit(outcome === "failed" ? 1 : 0);
  };
  process.once("SIGINT", () => void shutdown("SIGINT"));
  process.once("SIGTERM", () => void shutdown("SIGTERM"));
  // The primary is gone (killed): the port it shared is gone with it.
  if (primary) process.once("disconnect", () => void shutdown("primary gone"));
}

main().catch((error: unknown) => {
  process.stderr.write(`bankgate failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});

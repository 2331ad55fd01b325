import type { FastifyBaseLogger } from "fastify";
import type { Job } from "../queue/job.js";
import type { RetentionPurge } from "./retention-purge.js";

/**
 * The "retention-purge" job: one purge run, its report logged when it did anything (what
 * went, and the longest write it held: docs/performance.md, "Retention").
 */
export function createRetentionPurgeHandler(
  purge: RetentionPurge,
  log: Pick<FastifyBaseLogger, "info">,
): (job: Job<"retention-purge">) => Promise<void> {
  return async () => {
    const report = await purge.run();
    const deleted = Object.values(report.deleted).reduce((sum, n) => sum + n, 0);
    if (deleted > 0 || report.reclaimedPages > 0) log.info({ retention: report }, "retention purge");
  };
}

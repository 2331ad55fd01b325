import type { FastifyBaseLogger } from "fastify";
import type { Job } from "../queue/job.js";
import { singletonKeys } from "../queue/job-kinds.js";
import type { JobQueue } from "../queue/job-queue.js";
import type { MasterKeyRotation } from "./master-key-rotation.js";

/**
 * The "master-key-rotation" job: one rotation run. Values left under another key fail the
 * job, which the queue then retries with backoff (a process still writing with the old key
 * first, or a value that cannot be opened, shows in its last error).
 */
export function createMasterKeyRotationHandler(
  rotation: MasterKeyRotation,
  log: Pick<FastifyBaseLogger, "info">,
): (job: Job<"master-key-rotation">) => Promise<void> {
  return async () => {
    const report = await rotation.run();
    log.info({ rotation: report }, "master-key rotation");
    if (report.remaining > 0) {
      throw new Error(
        `${report.remaining} stored values are still under another master key than ${report.activeKeyId} (could not re-wrap: ${JSON.stringify(report.failed)})`,
      );
    }
  };
}

/** Queues a rotation for any job runner of the deployment; null when one is queued or running already. */
export function enqueueMasterKeyRotation(jobs: JobQueue): Promise<string | null> {
  return jobs.enqueue("master-key-rotation", {}, { singletonKey: singletonKeys.masterKeyRotation() });
}

import type { Job } from "../../src/queue/job.js";
import { JOB_KINDS } from "../../src/queue/job-kinds.js";
import type { JobQueue } from "../../src/queue/job-queue.js";
import { type JobHandlers, JobRunner, type JobRunnerOptions } from "../../src/queue/job-runner.js";

const silent = { warn: () => {}, error: () => {} };

/** A runner over `queue` that gives every kind of job to `handle`, by default one job at a time, polling every 10 ms, logging nothing. */
export function oneHandlerRunner(
  queue: JobQueue,
  handle: (job: Job) => Promise<void>,
  options: JobRunnerOptions = { concurrency: 1, pollIntervalMs: 10 },
): JobRunner {
  // One function serves every kind: the test's jobs carry whatever payload it gave them.
  const handlers = Object.fromEntries(JOB_KINDS.map((kind) => [kind, handle])) as unknown as JobHandlers;
  return new JobRunner(queue, handlers, options, silent);
}

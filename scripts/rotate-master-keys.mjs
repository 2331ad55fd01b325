// Master-key rotation (docs/decisions.md, "Master-key rotation"): moves every stored secret to
// the first key of BANKGATE_MASTER_KEYS, while the servers keep serving. Reads the same
// environment as the server (BANKGATE_MASTER_KEYS, BANKGATE_DATA_DIR or DATABASE_URL).
//
//   npm run build:server
//   BANKGATE_MASTER_KEYS="new:…,old:…" node scripts/rotate-master-keys.mjs            # rotate here, now
//   BANKGATE_MASTER_KEYS="new:…,old:…" node scripts/rotate-master-keys.mjs --check    # count what is left
//   BANKGATE_MASTER_KEYS="new:…,old:…" node scripts/rotate-master-keys.mjs --enqueue  # a server's job runner rotates
//
// Prints a JSON report; exits 0 when nothing is left under another key, 1 otherwise. Safe to
// run again at any time (it resumes where it stopped and never touches a value twice).
import { loadConfig } from "../dist/config/config.js";
import { MasterKeyRotation } from "../dist/jobs/master-key-rotation.js";
import { enqueueMasterKeyRotation } from "../dist/jobs/master-key-rotation-job.js";
import { systemClock } from "../dist/lib/clock.js";
import { JobQueue } from "../dist/queue/job-queue.js";
import { openDatabase } from "../dist/storage/open-database.js";
import { KyselyStorage } from "../dist/storage/storage.js";
import { parseMasterKeys } from "../dist/vault/master-keys.js";
import { Vault } from "../dist/vault/vault.js";

const mode = process.argv[2] ?? "--run";
if (!["--run", "--check", "--enqueue"].includes(mode)) {
  process.stderr.write(`unknown option ${mode} (--check, --enqueue, or nothing to rotate here)\n`);
  process.exit(2);
}
const config = loadConfig();
if (!config.keys.masterKeys) {
  process.stderr.write("BANKGATE_MASTER_KEYS must name the new key first and the old ones after it\n");
  process.exit(2);
}
const vault = new Vault(parseMasterKeys(config.keys.masterKeys));
const storage = new KyselyStorage((await openDatabase(config.store)).db);
try {
  const rotation = new MasterKeyRotation({ storage, vault });
  if (mode === "--enqueue") {
    const jobs = new JobQueue(storage, vault, systemClock, {
      claimSeconds: config.jobs.claimSeconds,
      retryBaseSeconds: config.jobs.retryBaseSeconds,
      defaultMaxAttempts: config.jobs.maxAttempts,
    });
    const jobId = await enqueueMasterKeyRotation(jobs);
    process.stdout.write(`${JSON.stringify({ enqueued: jobId !== null, jobId, remaining: await rotation.remaining() })}\n`);
  } else {
    const report = mode === "--check" ? { activeKeyId: vault.activeKeyId, remaining: await rotation.remaining() } : await rotation.run();
    process.stdout.write(`${JSON.stringify(report)}\n`);
    process.exitCode = report.remaining === 0 ? 0 : 1;
  }
} finally {
  await storage.close();
}

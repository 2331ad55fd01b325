import { Command } from "commander";
import type { Config } from "../../config/config.js";
import type { MasterKeyRotation } from "../../jobs/master-key-rotation.js";
import type { Storage } from "../../storage/storage.js";
import type { Vault } from "../../vault/vault.js";
import { messageOf, print, progress, withConfigFlags, withStore } from "../command-setup.js";
import { CliError } from "../exit-codes.js";

interface RotateOptions {
  check?: boolean;
  enqueue?: boolean;
  timeoutSeconds: string;
  json?: boolean;
}

const POLL_MS = 1_000;

/**
 * `bankgate master-key rotate`: the online re-wrap of docs/decisions.md ("Master-key
 * rotation") — here and now with a line per page moved, or (`--enqueue`) by a running
 * server's job runner while this command watches the count go down.
 */
export function masterKeyCommand(): Command {
  const rotate = new Command("rotate")
    .summary("move every stored secret to the first key of BANKGATE_MASTER_KEYS")
    .description(
      "Re-wrap every stored secret under the first key of BANKGATE_MASTER_KEYS (new first, old after it; set it in the environment, never on the command line) " +
        "while servers keep serving, showing progress until nothing is left under another key. Exit 0 when nothing is left, 1 otherwise. " +
        "Safe to run again: it resumes where it stopped.",
    )
    .option("--check", "change nothing: count the values still under another key")
    .option("--enqueue", "let a running server's job runner rotate (the master-key-rotation job) and watch until done")
    .option("--timeout-seconds <n>", "with --enqueue: stop watching after this long (exit 1)", "600")
    .option("--json", "print the final report as JSON");
  const configOf = withConfigFlags(rotate, ["store"]);
  rotate.action(async (options: RotateOptions) => {
    const config = configOf(options);
    const vault = await vaultOf(config);
    await withStore(config, async (storage) => {
      const { MasterKeyRotation } = await import("../../jobs/master-key-rotation.js");
      const rotation = new MasterKeyRotation({
        storage,
        vault,
        onProgress: (column, moved) => progress(`  ${column}: ${moved} re-wrapped`),
      });
      const before = await rotation.remaining();
      progress(`${before} stored values are under another key than ${vault.activeKeyId}`);
      const report = options.check
        ? { activeKeyId: vault.activeKeyId, remaining: before }
        : options.enqueue
          ? await watchJob(storage, vault, config, rotation, Number(options.timeoutSeconds))
          : await rotation.run();
      print(options.json, report, () =>
        report.remaining === 0
          ? `every stored secret is under ${vault.activeKeyId}`
          : `${report.remaining} values are still under another key`,
      );
      if (report.remaining > 0) throw new CliError("failed", `${report.remaining} stored values are still under another master key`);
    });
  });
  return new Command("master-key").summary("rotate the master key that wraps every stored secret").addCommand(rotate);
}

async function vaultOf(config: Config): Promise<Vault> {
  const [{ parseMasterKeys }, { Vault }] = await Promise.all([import("../../vault/master-keys.js"), import("../../vault/vault.js")]);
  if (!config.keys.masterKeys) throw new CliError("config", "BANKGATE_MASTER_KEYS must name the new key first and the old ones after it");
  try {
    return new Vault(parseMasterKeys(config.keys.masterKeys));
  } catch (error) {
    throw new CliError("config", `BANKGATE_MASTER_KEYS: ${messageOf(error)}`);
  }
}

async function watchJob(storage: Storage, vault: Vault, config: Config, rotation: MasterKeyRotation, timeoutSeconds: number) {
  if (!Number.isInteger(timeoutSeconds) || timeoutSeconds < 1) throw new CliError("usage", "--timeout-seconds must be a whole number ≥ 1");
  const [{ JobQueue }, { PLAIN_PAYLOAD_KINDS }, { enqueueMasterKeyRotation }, { systemClock }] = await Promise.all([
    import("../../queue/job-queue.js"),
    import("../../queue/job-kinds.js"),
    import("../../jobs/master-key-rotation-job.js"),
    import("../../lib/clock.js"),
  ]);
  const jobs = new JobQueue(storage, vault, systemClock, {
    claimSeconds: config.jobs.claimSeconds,
    retryBaseSeconds: config.jobs.retryBaseSeconds,
    defaultMaxAttempts: config.jobs.maxAttempts,
    plainPayloadKinds: PLAIN_PAYLOAD_KINDS,
  });
  const jobId = await enqueueMasterKeyRotation(jobs);
  progress(jobId ? `queued job ${jobId}; a server's job runner picks it up` : "a rotation job is already queued or running");
  let remaining = await rotation.remaining();
  const polls = Math.ceil((timeoutSeconds * 1000) / POLL_MS);
  for (let poll = 0; poll < polls && remaining > 0; poll++) {
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    const now = await rotation.remaining();
    if (now !== remaining) progress(`  ${now} left`);
    remaining = now;
  }
  return { activeKeyId: vault.activeKeyId, jobId, remaining };
}

import { Command } from "commander";
import { print, withConfigFlags, withStore } from "../command-setup.js";

/** `bankgate purge`: the retention purge (docs/decisions.md, "Retention") now, with what it removed. */
export function purgeCommand(): Command {
  const command = new Command("purge")
    .summary("delete now what retention no longer keeps, and say what")
    .description(
      "Run the retention purge once, as the servers' schedule does every BANKGATE_RETENTION_INTERVAL_SECONDS: expired sessions and tokens, finished jobs, " +
        "superseded snapshots, settled webhook events, orphaned card-vault values and expired attempt counters, each after its window (the --retention-* flags). " +
        "Safe beside running servers (small batches).",
    )
    .option("--json", "print the report as JSON");
  const configOf = withConfigFlags(command, ["store", "retention"]);
  return command.action(async (options: { json?: boolean }) => {
    const config = configOf(options);
    await withStore(config, async (storage) => {
      const [{ RetentionPurge }, { systemClock }] = await Promise.all([
        import("../../jobs/retention-purge.js"),
        import("../../lib/clock.js"),
      ]);
      const report = await new RetentionPurge({ storage, clock: systemClock, settings: config.retention }).run();
      print(options.json, report, () =>
        [
          ...Object.entries(report.deleted).map(([kind, count]) => `  ${kind.padEnd(16)} ${count} deleted`),
          `  reclaimed pages  ${report.reclaimedPages}`,
          ...(report.unfinished ? ["More is due: run it again (or let the schedule go on)."] : []),
        ].join("\n"),
      );
    });
  });
}

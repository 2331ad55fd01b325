import { Command } from "commander";
import { print, withConfigFlags, withStore } from "../command-setup.js";
import { CliError } from "../exit-codes.js";

/** `bankgate migrate`: brings the store's tables up to this version (every start does it too). */
export function migrateCommand(): Command {
  const command = new Command("migrate")
    .summary("bring the store's tables up to this version")
    .description(
      "Run the migrations this version has and the store has not (a start runs them too; run this before starting several processes on PostgreSQL). " +
        "With --check, only report: exit 1 when some are pending.",
    )
    .option("--check", "change nothing: list applied and pending migrations")
    .option("--json", "print JSON");
  const configOf = withConfigFlags(command, ["store"]);
  return command.action(async (options: { check?: boolean; json?: boolean } & Record<string, unknown>) => {
    const config = configOf(options);
    await withStore(
      config,
      async (_storage, { db, kind }) => {
        const { migrateToLatest, migrationStatus } = await import("../../storage/migrate.js");
        const ran = options.check ? [] : await migrateToLatest(db);
        const status = await migrationStatus(db);
        print(options.json, { store: kind, ran, ...status }, () =>
          options.check
            ? `${kind}: ${status.applied.length} applied, ${status.pending.length} pending${status.pending.map((name) => `\n  pending ${name}`).join("")}`
            : `${kind}: ${ran.length === 0 ? "already up to date" : `ran ${ran.join(", ")}`} (${status.applied.length} migrations applied)`,
        );
        if (options.check && status.pending.length > 0) throw new CliError("failed", `${status.pending.length} migrations pending`);
      },
      { migrate: false },
    );
  });
}

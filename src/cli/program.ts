import { existsSync, readFileSync } from "node:fs";
import { Command } from "commander";
import { customersCommand } from "./commands/customers.js";
import { doctorCommand } from "./commands/doctor.js";
import { masterKeyCommand } from "./commands/master-key.js";
import { migrateCommand } from "./commands/migrate.js";
import { purgeCommand } from "./commands/purge.js";
import { sandboxCommand } from "./commands/sandbox.js";
import { startCommand } from "./commands/start.js";
import { EXIT_CODES } from "./exit-codes.js";

/**
 * The whole command line, built fresh on each call (no shared state): bin/bankgate runs it,
 * render-cli-doc.ts writes docs/cli.md from it. commander is the library (docs/decisions.md,
 * "Command line"): subcommands, generated --help, choices and required options.
 */
export function buildProgram(): Command {
  const program = new Command("bankgate")
    .description("bankgate: a self-hostable bank-connection gateway that speaks the Flinks API. With no command: start.")
    .version(packageVersion(), "-v, --version")
    .showHelpAfterError("(add --help for usage)")
    .addHelpText(
      "after",
      `\nExit codes:\n${Object.values(EXIT_CODES)
        .map(({ code, meaning }) => `  ${code}  ${meaning}`)
        .join("\n")}\n`,
    );
  program.addCommand(startCommand(), { isDefault: true });
  for (const command of [migrateCommand(), customersCommand(), masterKeyCommand(), purgeCommand(), doctorCommand(), sandboxCommand()]) {
    program.addCommand(command);
  }
  return program;
}

/** The version in bankgate's package.json: two folders up from dist/cli/ (or src/cli/), a few more from a test build. */
function packageVersion(): string {
  for (let up = 2; up <= 4; up++) {
    const file = new URL(`${"../".repeat(up)}package.json`, import.meta.url);
    if (!existsSync(file)) continue;
    const manifest = JSON.parse(readFileSync(file, "utf8")) as { name?: string; version?: string };
    if (manifest.name === "bankgate" && manifest.version) return manifest.version;
  }
  return "unknown";
}

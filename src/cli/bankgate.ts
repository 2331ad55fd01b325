#!/usr/bin/env node
import { type Command, CommanderError } from "commander";
import { messageOf } from "./command-setup.js";
import { CliError, EXIT_CODES } from "./exit-codes.js";
import { buildProgram } from "./program.js";

/** The `bankgate` executable (package.json "bin"): runs one command and exits with a documented code (exit-codes.ts). */
async function run(argv: string[]): Promise<void> {
  const program = buildProgram();
  exitOverrideEverywhere(program);
  // Anything not an option goes to the default command (start), whose complaint would be about "start".
  const first = argv[2];
  if (first !== undefined && !first.startsWith("-") && first !== "help" && !program.commands.some((command) => command.name() === first)) {
    process.stderr.write(`bankgate: unknown command "${first.slice(0, 40)}" (bankgate --help lists them)\n`);
    process.exitCode = EXIT_CODES.usage.code;
    return;
  }
  try {
    await program.parseAsync(argv);
  } catch (error) {
    process.exitCode = exitCodeOf(error);
  }
}

function exitCodeOf(error: unknown): number {
  if (error instanceof CommanderError) {
    // --help and --version end through here too; commander has already printed them or the error.
    return ["commander.helpDisplayed", "commander.help", "commander.version"].includes(error.code)
      ? EXIT_CODES.ok.code
      : EXIT_CODES.usage.code;
  }
  if (error instanceof CliError) {
    process.stderr.write(`bankgate: ${error.message}\n`);
    return error.exitCode;
  }
  process.stderr.write(`bankgate: ${messageOf(error)}\n`);
  return EXIT_CODES.failed.code;
}

/** commander exits by itself on a usage error unless every (sub)command is told to throw instead. */
function exitOverrideEverywhere(command: Command): void {
  command.exitOverride();
  for (const sub of command.commands) exitOverrideEverywhere(sub);
}

await run(process.argv);

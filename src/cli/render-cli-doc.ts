import type { Command, Help } from "commander";
import { EXIT_CODES } from "./exit-codes.js";
import { buildProgram } from "./program.js";

/** docs/cli.md, generated from the command definitions (`npm run docs`; a test keeps them equal). */
export function renderCliDoc(): string {
  const program = buildProgram();
  const help = program.createHelp();
  return [
    "# Command line",
    "",
    "<!-- Generated from src/cli/ by `npm run docs`; do not edit by hand. -->",
    "",
    "`npx bankgate <command>` (from an install of the package), `node dist/cli/bankgate.js <command>` (from a",
    "built clone). With no command, `bankgate` is `bankgate start`. Every command takes `--help`.",
    "Data goes to stdout (one JSON document with `--json`), progress and errors to stderr.",
    "Flags named after a variable set that variable ([configuration.md](configuration.md));",
    "secrets are read from the environment only.",
    "",
    "## Exit codes",
    "",
    "| code | meaning |",
    "|---|---|",
    ...Object.values(EXIT_CODES).map(({ code, meaning }) => `| ${code} | ${meaning} |`),
    "",
    ...leaves(program).flatMap((command) => section(command, help)),
  ].join("\n");
}

/** Every command that runs something, depth first, in definition order. */
function leaves(command: Command): Command[] {
  const subs = command.commands.filter((sub) => sub.name() !== "help");
  return subs.flatMap((sub) => (sub.commands.length > 0 ? leaves(sub) : [sub]));
}

function section(command: Command, help: Help): string[] {
  const path = pathOf(command);
  const options = help.visibleOptions(command).filter((option) => option.long !== "--help");
  const args = help.visibleArguments(command);
  return [
    `## ${path}`,
    "",
    `\`${path}${command.usage() ? ` ${command.usage()}` : ""}\``,
    "",
    tableCell(command.description() || command.summary()),
    "",
    ...(args.length > 0
      ? ["| argument | meaning |", "|---|---|", ...args.map((arg) => `| \`${arg.name()}\` | ${tableCell(arg.description || "")} |`), ""]
      : []),
    ...(options.length > 0
      ? [
          "| option | meaning |",
          "|---|---|",
          ...options.map((option) => `| \`${help.optionTerm(option)}\` | ${tableCell(help.optionDescription(option))} |`),
          "",
        ]
      : []),
  ];
}

function pathOf(command: Command): string {
  const names: string[] = [];
  for (let at: Command | null = command; at; at = at.parent) names.unshift(at.name());
  return names.join(" ");
}

function tableCell(text: string): string {
  return text.replace(/\|/g, "\\|").replace(/\n/g, " ");
}

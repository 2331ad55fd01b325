import { Command } from "commander";
import { configFrom } from "../command-setup.js";
import { configFlags, envWithFlags } from "../config-flags.js";

/**
 * `bankgate start`: the server, as `npm start` runs it. The flags only set their variables;
 * main.ts then reads the environment as always, so a start from the command line and one from
 * the environment can never behave differently.
 */
export function startCommand(): Command {
  const command = new Command("start")
    .summary("run the server (the default command)")
    .description(
      "Run bankgate: the API, the Connect widget and the job runner (--role all), or one of them (--role api | worker). " +
        "Every flag sets the environment variable it names; secrets (master keys, customer keys, webhook secret) are read from the environment only. " +
        "Stops gracefully on SIGINT/SIGTERM.",
    );
  const flags = configFlags();
  for (const { option } of flags) command.addOption(option);
  return command.action(async (values: Record<string, unknown>) => {
    const env = envWithFlags(flags, values, process.env);
    configFrom(env); // a bad flag is a usage-level error with its own exit code, before anything starts
    Object.assign(process.env, env);
    await import("../../main.js");
  });
}

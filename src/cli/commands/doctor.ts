import { Command } from "commander";
import { ConfigError, loadConfig } from "../../config/config.js";
import { print } from "../command-setup.js";
import { configFlags, envWithFlags } from "../config-flags.js";
import type { Check } from "../doctor-checks.js";
import { CliError } from "../exit-codes.js";

const MARK = { ok: "ok  ", warn: "WARN", fail: "FAIL" } as const;

/** `bankgate doctor`: what `start` would meet, checked without starting or changing anything. */
export function doctorCommand(): Command {
  const command = new Command("doctor")
    .summary("check configuration, store, keys, widget build and port, and say what to fix")
    .description(
      "Check what a start with the same flags and environment would meet — the configuration, the master keys and the development customer's keys, " +
        "the store (opened read-only: no migration runs, nothing is generated), the widget build and the port — and say what to fix. Exit 1 when a check fails.",
    )
    .option("--json", "print the checks as JSON");
  const flags = configFlags();
  for (const { option } of flags) command.addOption(option);
  return command.action(async (options: { json?: boolean } & Record<string, unknown>) => {
    const env = envWithFlags(flags, options, process.env);
    const { runChecks } = await import("../doctor-checks.js");
    let checks: Check[];
    try {
      checks = await runChecks(loadConfig(env), env);
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      checks = [{ name: "configuration", status: "fail", detail: error.message, fix: "fix that variable or flag (docs/configuration.md)" }];
    }
    if (!checks.some((check) => check.name === "configuration"))
      checks.unshift({ name: "configuration", status: "ok", detail: "every option is valid" });
    const failed = checks.filter((check) => check.status === "fail").length;
    print(options.json, { ok: failed === 0, checks }, () =>
      checks.map((check) => `${MARK[check.status]}  ${check.name}: ${check.detail}${check.fix ? `\n      → ${check.fix}` : ""}`).join("\n"),
    );
    if (failed > 0) throw new CliError("failed", `${failed} check${failed === 1 ? "" : "s"} failed`);
  });
}

import type { Command } from "commander";
import { type Config, ConfigError, loadConfig } from "../config/config.js";
import type { Env } from "../config/config-option.js";
import type { ConfigSchema } from "../config/config-schema.js";
import type { OpenedDatabase } from "../storage/open-database.js";
import type { KyselyStorage } from "../storage/storage.js";
import { type ConfigFlag, configFlags, envWithFlags } from "./config-flags.js";
import { CliError } from "./exit-codes.js";

type Group = keyof typeof ConfigSchema.properties;

/**
 * Adds the generated config flags of `groups` to a command and returns how to read the
 * configuration they and the environment describe: flags win, then variables, then defaults.
 */
export function withConfigFlags(command: Command, groups?: readonly Group[]): (values: object) => Config {
  const flags: ConfigFlag[] = configFlags(groups);
  for (const { option } of flags) command.addOption(option);
  return (values) => configFrom(envWithFlags(flags, values as Record<string, unknown>, process.env));
}

/** The configuration of `env`, or a CliError naming what is wrong. */
export function configFrom(env: Env): Config {
  try {
    return loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) throw new CliError("config", error.message);
    throw error;
  }
}

/** Opens the store of `config` (migrating it unless told not to), runs `work`, closes it. */
export async function withStore<T>(
  config: Config,
  work: (storage: KyselyStorage, opened: OpenedDatabase) => Promise<T>,
  options: { migrate?: boolean } = {},
): Promise<T> {
  // Loaded on use: `--help` and the sandbox commands never pay for the store drivers.
  const [{ openDatabase }, { KyselyStorage }] = await Promise.all([import("../storage/open-database.js"), import("../storage/storage.js")]);
  let opened: OpenedDatabase;
  try {
    opened = await openDatabase({ ...config.store, migrate: options.migrate });
  } catch (error) {
    throw new CliError("store", `the store could not be opened: ${messageOf(error)}`);
  }
  const storage = new KyselyStorage(opened.db);
  try {
    return await work(storage, opened);
  } finally {
    await storage.close();
  }
}

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Prints `data` as one JSON document (`--json`) or as the human text. Data goes to stdout; progress to stderr. */
export function print(json: boolean | undefined, data: unknown, human: () => string): void {
  process.stdout.write(json ? `${JSON.stringify(data, null, 2)}\n` : `${human()}\n`);
}

/** Progress for the person at the terminal: stderr, so `--json` output on stdout stays one document. */
export function progress(line: string): void {
  process.stderr.write(`${line}\n`);
}

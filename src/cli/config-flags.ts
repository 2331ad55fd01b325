import { Option } from "commander";
import type { TObject, TSchema } from "typebox";
import { type Env, metaOf } from "../config/config-option.js";
import { ConfigSchema } from "../config/config-schema.js";

/**
 * Command-line flags generated from the config schema, so a flag can never drift from its
 * variable: `--data-dir` is BANKGATE_DATA_DIR, `--port` is PORT. A flag only sets its
 * variable; load-config.ts still reads and checks every value, so a bad flag gets the same
 * message as a bad variable (it names the variable).
 *
 * Secrets have no flag (a command line is visible to every user of the machine in `ps`), nor
 * does the test-only fault point: they are read from the environment only.
 */
const ENV_ONLY = new Set([
  "BANKGATE_MASTER_KEYS",
  "BANKGATE_SECRET_KEY",
  "BANKGATE_API_KEY",
  "BANKGATE_WEBHOOK_SECRET",
  "BANKGATE_FAULT_POINT",
]);

export interface ConfigFlag {
  env: string;
  option: Option;
}

/** The flag name of a variable: BANKGATE_ dropped, lower case, `_` → `-`. */
export function flagNameOf(env: string): string {
  return `--${env
    .replace(/^BANKGATE_/, "")
    .toLowerCase()
    .replace(/_/g, "-")}`;
}

/** One flag per option of the named groups (every group by default), secrets excepted. */
export function configFlags(groups?: readonly (keyof typeof ConfigSchema.properties)[]): ConfigFlag[] {
  const entries = Object.entries(ConfigSchema.properties) as [keyof typeof ConfigSchema.properties, TObject][];
  return entries
    .filter(([group]) => !groups || groups.includes(group))
    .flatMap(([, schema]) => Object.values(schema.properties))
    .filter((schema) => !ENV_ONLY.has(metaOf(schema).env))
    .map((schema) => ({ env: metaOf(schema).env, option: optionOf(schema) }));
}

function optionOf(schema: TSchema): Option {
  const meta = metaOf(schema);
  const option = new Option(`${flagNameOf(meta.env)} <${placeholderOf(meta.kind)}>`, `${meta.description} (env ${meta.env})`);
  if (meta.kind === "onOff") option.choices(["on", "off"]);
  if (meta.kind === "oneOf") {
    const choices = ((schema as { anyOf?: Array<{ const?: unknown }> }).anyOf ?? []).map((choice) => String(choice.const));
    option.choices(choices);
  }
  return option;
}

function placeholderOf(kind: ReturnType<typeof metaOf>["kind"]): string {
  switch (kind) {
    case "integer":
      return "n";
    case "list":
      return "a,b";
    case "timeOfDay":
      return "HH:MM";
    case "onOff":
    case "oneOf":
      return "choice";
    case "text":
      return "text";
  }
}

/** `base` with every flag that was given written to its variable (flags win over the environment). */
export function envWithFlags(flags: ConfigFlag[], values: Record<string, unknown>, base: Env): Env {
  const env: Env = { ...base };
  for (const { env: name, option } of flags) {
    const value = values[option.attributeName()];
    if (typeof value === "string") env[name] = value;
  }
  return env;
}

import type { TObject } from "typebox";
import { metaOf } from "./config-option.js";
import { ConfigSchema } from "./config-schema.js";

/** docs/configuration.md, generated from ConfigSchema (`npm run docs:config`; a test keeps them equal). */
export function renderConfigDoc(): string {
  const sections = Object.entries(ConfigSchema.properties).map(([group, schema]) => renderGroup(group, schema));
  return [
    "# Configuration",
    "",
    "<!-- Generated from src/config/config-schema.ts by `npm run docs`; do not edit by hand. -->",
    "",
    "Environment variables, read once at start (`src/config/load-config.ts`). An invalid value stops the start",
    "with a message naming the variable. Units are in the names (`…_SECONDS`, `…_MS`, `…_BYTES`).",
    "",
    ...sections,
  ].join("\n");
}

function renderGroup(group: string, schema: TObject): string {
  const rows = Object.values(schema.properties).map((option) => {
    const meta = metaOf(option);
    return `| \`${meta.env}\` | ${meta.defaultText ?? defaultOf(meta.default)} | ${meta.description} |`;
  });
  return [`## ${group}`, "", "| variable | default | meaning |", "|---|---|---|", ...rows, ""].join("\n");
}

function defaultOf(value: unknown): string {
  if (value === null || value === undefined) return "—";
  if (typeof value === "boolean") return value ? "`on`" : "`off`";
  if (typeof value === "object" && "hour" in value && "minute" in value) {
    const { hour, minute } = value as { hour: number; minute: number };
    return `\`${String(hour).padStart(2, "0")}:${String(minute).padStart(2, "0")}\``;
  }
  return `\`${String(value)}\``;
}

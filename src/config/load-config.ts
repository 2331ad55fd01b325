import type { TObject, TSchema } from "typebox";
import { Value } from "typebox/value";
import { parseTimeOfDay } from "../lib/nightly-schedule.js";
import { checkWebhookUrl, MIN_WEBHOOK_SECRET_LENGTH } from "../lib/webhook-receiver.js";
import { type Env, metaOf } from "./config-option.js";
import { type Config, ConfigSchema } from "./config-schema.js";

export class ConfigError extends Error {}

/** Reads every option of ConfigSchema from `env`; an invalid value stops the start with a message naming its variable. */
export function loadConfig(env: Env = process.env): Config {
  const groups = Object.entries(ConfigSchema.properties).map(([group, schema]) => [group, readGroup(schema, env)]);
  return checkedAcross(Object.fromEntries(groups) as Config);
}

function readGroup(group: TObject, env: Env): Record<string, unknown> {
  return Object.fromEntries(Object.entries(group.properties).map(([key, option]) => [key, readOption(option, env)]));
}

function readOption(option: TSchema, env: Env): unknown {
  const meta = metaOf(option);
  const raw = env[meta.env];
  const value =
    raw === undefined || (raw === "" && meta.kind !== "list") ? (meta.defaultFrom?.(env) ?? meta.default) : parse(meta.env, meta.kind, raw);
  if (!Value.Check(option, value)) throw new ConfigError(`${meta.env} ${describeRange(option)}, got "${(raw ?? "").slice(0, 64)}"`);
  const problem = meta.check?.(value as never, env);
  if (problem) throw new ConfigError(`${meta.env}: ${problem}`);
  return value;
}

function parse(name: string, kind: ReturnType<typeof metaOf>["kind"], raw: string): unknown {
  switch (kind) {
    case "integer":
      return /^-?\d+$/.test(raw.trim()) ? Number(raw) : Number.NaN;
    case "onOff":
      return raw === "on" ? true : raw === "off" ? false : raw;
    case "oneOf":
    case "text":
      return raw;
    case "list":
      return raw
        .split(",")
        .map((entry) => entry.trim())
        .filter((entry) => entry !== "");
    case "timeOfDay": {
      const parsed = parseTimeOfDay(raw);
      if (!parsed) throw new ConfigError(`${name} must be a UTC time of day "HH:MM", got "${raw.slice(0, 64)}"`);
      return parsed;
    }
  }
}

function describeRange(option: TSchema): string {
  const { kind } = metaOf(option);
  const schema = option as { minimum?: number; maximum?: number; anyOf?: Array<{ const?: unknown }> };
  if (kind === "integer") return `must be an integer between ${schema.minimum} and ${schema.maximum}`;
  if (kind === "onOff") return "must be one of on, off";
  if (kind === "oneOf") return `must be one of ${(schema.anyOf ?? []).map((choice) => String(choice.const)).join(", ")}`;
  return "is invalid";
}

/**
 * Rules between options: Node refuses a headers timeout longer than the request timeout; the
 * simulators run in one process; a login in progress keeps its card vault; the development customer's webhook receiver needs
 * its signing secret.
 */
function checkedAcross(config: Config): Config {
  if (config.server.headersTimeoutSeconds > config.server.requestTimeoutSeconds) {
    throw new ConfigError("BANKGATE_HTTP_HEADERS_TIMEOUT_SECONDS must not exceed BANKGATE_HTTP_REQUEST_TIMEOUT_SECONDS");
  }
  if (config.development.simulators === "on" && config.server.workers > 1) {
    throw new ConfigError("BANKGATE_SIMULATORS=on needs BANKGATE_WORKERS=1: the OFX simulator remembers signons in its one process");
  }
  // A login still in progress may have written its card vault before the card exists.
  if (config.retention.cardVaultSeconds < config.sessions.absoluteTtlSeconds) {
    throw new ConfigError("BANKGATE_RETENTION_CARD_VAULT_SECONDS must be at least BANKGATE_SESSION_ABSOLUTE_TTL_SECONDS");
  }
  const { url, secret } = config.webhooks;
  if (url === null) return { ...config, webhooks: { ...config.webhooks, secret: null } };
  const checked = checkWebhookUrl(url);
  if ("refused" in checked) throw new ConfigError(`BANKGATE_WEBHOOK_URL is refused: ${checked.refused}`);
  if (secret === null || secret.length < MIN_WEBHOOK_SECRET_LENGTH) {
    throw new ConfigError(`BANKGATE_WEBHOOK_URL needs BANKGATE_WEBHOOK_SECRET, at least ${MIN_WEBHOOK_SECRET_LENGTH} characters`);
  }
  return { ...config, webhooks: { ...config.webhooks, url: checked.url } };
}

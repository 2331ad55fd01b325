import { type TSchema, Type } from "typebox";

export type Env = Record<string, string | undefined>;

/** How an option's text is read from its environment variable. */
export type OptionKind = "integer" | "onOff" | "oneOf" | "text" | "list" | "timeOfDay";

/**
 * What every option carries in its TypeBox options besides its type: its variable, how to
 * read it, its description (with the unit), its default — a value, or computed from the rest
 * of the environment with `defaultText` saying how for the docs — and an extra check naming
 * what is wrong with a value.
 */
export interface OptionMeta {
  env: string;
  kind: OptionKind;
  description: string;
  default?: unknown;
  defaultFrom?: (env: Env) => unknown;
  defaultText?: string;
  check?: (value: never, env: Env) => string | null;
}

type Extra = Pick<OptionMeta, "defaultFrom" | "defaultText" | "check">;

/** The metadata of an option schema built below. */
export function metaOf(schema: TSchema): OptionMeta {
  return schema as unknown as OptionMeta;
}

/** A whole number in [min, max]; the unit is in the option's name. */
export function integer(env: string, fallback: number, description: string, min: number, max = Number.MAX_SAFE_INTEGER) {
  return Type.Integer({ env, kind: "integer", default: fallback, minimum: min, maximum: max, description });
}

/** "on" or "off", read as a boolean. */
export function onOff(env: string, fallback: boolean, description: string, extra: Extra = {}) {
  return Type.Boolean({ env, kind: "onOff", default: fallback, description, ...extra });
}

/** One of a few words. */
export function oneOf<const T extends readonly [string, ...string[]]>(env: string, values: T, fallback: T[number], description: string) {
  return Type.Unsafe<T[number]>(
    Type.Union(
      values.map((value) => Type.Literal(value)),
      { env, kind: "oneOf", default: fallback, description },
    ),
  );
}

/** Text that always has a value: `fallback` when absent or empty. */
export function textOr(env: string, fallback: string | ((env: Env) => string), description: string, defaultText?: string) {
  const computed = typeof fallback === "function" ? { defaultFrom: fallback, defaultText } : { default: fallback };
  return Type.String({ env, kind: "text", description, ...computed });
}

/** Free text, null when absent or empty. */
export function text(env: string, description: string, extra: Extra = {}) {
  return Type.Union([Type.String(), Type.Null()], { env, kind: "text", default: null, description, ...extra });
}

/** A comma-separated list, each entry trimmed; set but empty is an empty list. */
export function list(env: string, description: string, extra: Extra) {
  return Type.Array(Type.String(), { env, kind: "list", description, ...extra });
}

/** "HH:MM", UTC. */
export function timeOfDay(env: string, fallback: { hour: number; minute: number }, description: string) {
  return Type.Object({ hour: Type.Integer(), minute: Type.Integer() }, { env, kind: "timeOfDay", default: fallback, description });
}

import type { TSchema } from "typebox";

/**
 * Flinks is an ASP.NET service: clients send `username`, `UserName`, `WithKyc`, `"True"`… and all
 * of it works there (docs/flinks-compatibility.md#paths-bodies-and-answers). Before validation,
 * each known top-level key is renamed to the schema's spelling (case, `_` and `-` ignored) and
 * boolean fields accept "true"/"True"/"false"/"False". Nothing nested is walked, so a 10,000-deep
 * body costs nothing here. Returned as the route's preValidation hook.
 */
export function canonicalizeBody(
  schema: TSchema,
  aliases: Readonly<Record<string, string>> = {},
): (request: { body: unknown }, reply: unknown, done: () => void) => void {
  const properties = (schema as { properties?: Record<string, TSchema> }).properties ?? {};
  const byLooseKey = new Map<string, string>();
  for (const name of Object.keys(properties)) byLooseKey.set(looseKey(name), name);
  for (const [alias, name] of Object.entries(aliases)) byLooseKey.set(looseKey(alias), name);
  // Most clients already spell every key as the schema does: those skip the loose match.
  const exact = new Map(Object.keys(properties).map((name) => [name, name]));
  const booleans = new Set(Object.keys(properties).filter((name) => acceptsBoolean(properties[name])));

  // A callback hook, not an async one: no promise per request on the hottest routes.
  return (request, _reply, done) => {
    const { body } = request;
    if (body !== null && typeof body === "object" && !Array.isArray(body)) {
      const canonical: Record<string, unknown> = {};
      for (const [key, value] of Object.entries(body)) {
        const name = exact.get(key) ?? byLooseKey.get(looseKey(key));
        if (name === undefined || name in canonical) continue;
        canonical[name] = booleans.has(name) ? coerceBoolean(value) : value;
      }
      request.body = canonical;
    }
    done();
  };
}

export function looseKey(key: string): string {
  return key.replace(/[_\-\s]/g, "").toLowerCase();
}

function acceptsBoolean(schema: TSchema | undefined): boolean {
  return (schema as { type?: unknown } | undefined)?.type === "boolean";
}

function coerceBoolean(value: unknown): unknown {
  if (typeof value !== "string") return value;
  const lowered = value.trim().toLowerCase();
  if (lowered === "true") return true;
  if (lowered === "false") return false;
  return value;
}

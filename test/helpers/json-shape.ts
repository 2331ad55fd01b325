/** What a comparison with a published example may leave aside. */
export interface ShapeOptions {
  /** The example shows part of the body: keys only bankgate has are not differences. */
  partial?: boolean;
  /** Paths whose value the example shows elided: not compared. */
  elided?: readonly string[];
  /** Paths where null on one side and a value on the other is what Flinks documents (nullable fields). */
  nullable?: readonly string[];
}

function kindOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  return typeof value;
}

/**
 * How bankgate's body differs from a published example in key names, value types and nesting
 * (never in values), as sorted lines: `missing <path>`, `extra <path>`, `type <path>: <example> → <bankgate>`.
 * Arrays compare their first elements (path `…[]`).
 */
export function shapeDifferences(actual: unknown, example: unknown, options: ShapeOptions = {}): string[] {
  const differences: string[] = [];
  const elided = new Set(options.elided ?? []);
  const nullable = new Set(options.nullable ?? []);
  const walk = (a: unknown, e: unknown, path: string): void => {
    if (elided.has(path)) return;
    const [ka, ke] = [kindOf(a), kindOf(e)];
    if (ka !== ke) {
      if ((ka === "null" || ke === "null") && nullable.has(path)) return;
      differences.push(`type ${path || "(body)"}: ${ke} → ${ka}`);
      return;
    }
    if (ka === "array") {
      const [first, wanted] = [(a as unknown[])[0], (e as unknown[])[0]];
      if (wanted !== undefined && first === undefined) differences.push(`empty ${path}`);
      else if (wanted !== undefined) walk(first, wanted, `${path}[]`);
      return;
    }
    if (ka !== "object") return;
    const [ao, eo] = [a as Record<string, unknown>, e as Record<string, unknown>];
    const at = (key: string) => (path ? `${path}.${key}` : key);
    for (const key of Object.keys(eo)) {
      if (key in ao) walk(ao[key], eo[key], at(key));
      else if (!elided.has(at(key))) differences.push(`missing ${at(key)}`);
    }
    if (!options.partial) for (const key of Object.keys(ao)) if (!(key in eo)) differences.push(`extra ${at(key)}`);
  };
  walk(actual, example, "");
  return differences.sort();
}

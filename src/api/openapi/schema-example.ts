/**
 * An example value for a JSON schema: the schema's own `examples[0]`, `default`, `const` or
 * first `enum` value where it has one, else a plain value of its type, with one item per
 * array so the example shows the item's shape. Hand-written rather than a sampler library
 * (openapi-sampler, json-schema-faker): this is a few lines, runs at server start-up where a
 * runtime dependency would be needed, and must be deterministic so the document is too.
 * Test-checked: every example in /openapi.json validates against its schema.
 */
type Schema = Record<string, unknown>;

const MAX_DEPTH = 16;

export function exampleOf(schema: unknown, depth = 0): unknown {
  if (!isSchema(schema) || depth > MAX_DEPTH) return null;
  if (Array.isArray(schema.examples) && schema.examples.length > 0) return schema.examples[0];
  if ("default" in schema) return schema.default;
  if ("const" in schema) return schema.const;
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return schema.enum[0];
  const choices = (schema.anyOf ?? schema.oneOf) as unknown[] | undefined;
  if (Array.isArray(choices) && choices.length > 0) {
    return exampleOf(choices.find((choice) => isSchema(choice) && choice.type !== "null") ?? choices[0], depth + 1);
  }
  if (Array.isArray(schema.allOf)) {
    return Object.assign({}, ...schema.allOf.map((part) => exampleOf(part, depth + 1)).filter(isSchema));
  }
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== "null") : schema.type;
  switch (type) {
    case "object":
      return Object.fromEntries(
        Object.entries((schema.properties ?? {}) as Record<string, unknown>).map(([name, property]) => [
          name,
          exampleOf(property, depth + 1),
        ]),
      );
    case "array":
      return schema.items === undefined ? [] : [exampleOf(schema.items, depth + 1)];
    case "string":
      return stringExample(schema);
    case "integer":
    case "number":
      return typeof schema.minimum === "number" ? schema.minimum : 1;
    case "boolean":
      return true;
    case "null":
      return null;
    default:
      return properties(schema) ? exampleOf({ ...schema, type: "object" }, depth) : null;
  }
}

function stringExample(schema: Schema): string {
  if (schema.format === "date-time") return "2026-01-21T20:47:47.145Z";
  if (schema.format === "date") return "2026-01-21";
  if (schema.format === "uri" || schema.format === "url") return "https://app.example.com/hook";
  const minLength = typeof schema.minLength === "number" ? schema.minLength : 0;
  return "string".padEnd(minLength, "x");
}

function properties(schema: Schema): boolean {
  return typeof schema.properties === "object" && schema.properties !== null;
}

function isSchema(value: unknown): value is Schema {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

import { type TUnsafe, Type } from "typebox";

/**
 * A schema accepting exactly these strings, typed as their union: Type.Union over a mapped
 * array types its Static as never, so the union is declared with Type.Unsafe (the JSON schema
 * is the same `anyOf` of consts).
 */
export function literalUnion<T extends string>(values: readonly T[]): TUnsafe<T> {
  return Type.Unsafe<T>(Type.Union(values.map((value) => Type.Literal(value))));
}

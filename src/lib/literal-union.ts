import { Type } from "typebox";

/** A schema accepting exactly these strings, typed as their union (Type.Union over a mapped array loses it). */
export function literalUnion<T extends string>(values: readonly T[]) {
  return Type.Union(values.map((value) => Type.Literal(value)));
}

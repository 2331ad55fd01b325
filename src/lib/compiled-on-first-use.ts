import type { Static, TSchema } from "typebox";
import { Compile } from "typebox/compile";

/**
 * `Compile(schema).Check`, compiled on its first call rather than when the module loads:
 * compiling a schema builds and evaluates a function, and a check a start never reaches
 * (a connector no institution of this installation uses) should not cost every cold start.
 */
export function compiledOnFirstUse<T extends TSchema>(schema: T): (value: unknown) => value is Static<T> {
  let check: ((value: unknown) => boolean) | undefined;
  return (value): value is Static<T> => {
    if (!check) {
      const validator = Compile(schema);
      check = (candidate) => validator.Check(candidate);
    }
    return check(value);
  };
}

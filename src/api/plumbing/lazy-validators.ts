import { AjvCompiler } from "@fastify/ajv-compiler";
import type { FastifyServerOptions } from "fastify";

type CompilersFactory = NonNullable<NonNullable<FastifyServerOptions["schemaController"]>["compilersFactory"]>;
type Compile = ReturnType<ReturnType<typeof AjvCompiler>>;
type RouteSchema = Parameters<Compile>[0];
type Validator = ReturnType<Compile>;

/**
 * Fastify's own Ajv compiler, each route's request validator compiled on the route's first
 * request instead of before the server answers anything: compiling every route's schemas was
 * about a fifth of a cold start (docs/performance.md, "Cold start"). Same compiler, same
 * options, same errors; the first request of a route pays its compile once.
 *
 * A custom factory makes Fastify skip lowercasing header schemas: no route validates headers.
 */
export function lazyValidatorCompilers(): CompilersFactory {
  const ajvCompilers = AjvCompiler();
  return {
    buildValidator: (externalSchemas, options) => {
      // The Ajv instance too (its meta-schemas and formats): built by the first compile.
      let compile: Compile | undefined;
      return (route: RouteSchema) => {
        let validate: Validator | undefined;
        const firstUseCompiles = (data: unknown) => {
          compile ??= ajvCompilers(externalSchemas, options as Parameters<typeof ajvCompilers>[1]);
          validate ??= compile(route);
          const valid = validate(data);
          firstUseCompiles.errors = validate.errors;
          return valid;
        };
        firstUseCompiles.errors = null as Validator["errors"];
        // Fastify reads only the call's result and `errors`; Ajv's other fields are not used.
        return firstUseCompiles as unknown as Validator;
      };
    },
  };
}

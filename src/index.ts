/**
 * `import … from "bankgate"`: embedding bankgate in a program of one's own — read the
 * configuration, build the services, build the HTTP application and listen where one likes.
 * Tests use "bankgate/testing" instead; operators the `bankgate` command (docs/cli.md).
 */
export type { FastifyInstance } from "fastify";
export { buildApp } from "./app.js";
export { type Config, ConfigError, loadConfig } from "./config/config.js";
export { createDeps, type Deps, type DepsOverrides } from "./deps.js";

/** The configuration: one schema (config-schema.ts), read by load-config.ts, documented by render-config-doc.ts. */
export type { Config } from "./config-schema.js";
export { ConfigError, loadConfig } from "./load-config.js";

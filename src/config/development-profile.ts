import { isIP } from "node:net";
import type { Config } from "./config-schema.js";

/**
 * The development conveniences and whether each is on. They exist so a fresh clone works
 * with no configuration, and each one would expose card data on a real server: the demo
 * token route hands out tokens to anyone, open auth serves callers that prove nothing, the
 * control plane moves time, generated keys are printed. So `auto` (every default) turns them on
 * only in a development deployment — not NODE_ENV=production, listening on loopback only, no
 * real institution configured — and any of them can still be switched on by name. Whatever is
 * on, a real institution's card is never served to a caller who showed none of the
 * customer's credentials (see CallerScope).
 */
export interface DevelopmentProfile {
  /** Why this is not a development deployment; empty when it is. */
  notDevelopmentBecause: string[];
  sandboxControl: boolean;
  demo: boolean;
  openAuth: boolean;
  generateKeys: boolean;
  /** The built-in protocol simulators, mounted under /sim/, and the sandbox institutions that reach them. */
  simulators: boolean;
}

export function developmentProfile(config: Config, env: Record<string, string | undefined>): DevelopmentProfile {
  const notDevelopmentBecause = [
    ...(env.NODE_ENV === "production" ? ["NODE_ENV=production"] : []),
    ...(isLoopback(config.server.host) ? [] : [`HOST=${config.server.host} is not a loopback address`]),
    ...(config.connectors.simplefin ? ["the real SimpleFIN institution is configured (BANKGATE_SIMPLEFIN=on)"] : []),
    ...(config.connectors.institutionsFile ? ["real institutions are configured (BANKGATE_INSTITUTIONS_FILE)"] : []),
  ];
  const development = notDevelopmentBecause.length === 0;
  const resolve = (setting: "auto" | "on" | "off") => (setting === "auto" ? development : setting === "on");
  const { development: settings } = config;
  return {
    notDevelopmentBecause,
    sandboxControl: resolve(settings.sandboxControl),
    demo: resolve(settings.demo),
    openAuth: settings.authMode === "auto" ? development : settings.authMode === "open",
    generateKeys: resolve(settings.generateKeys),
    // The OFX simulator remembers signons in its process: several workers would each answer differently.
    simulators: settings.simulators === "auto" ? development && config.server.workers === 1 : settings.simulators === "on",
  };
}

export function isLoopback(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, "");
  if (bare === "localhost") return true;
  if (isIP(bare) === 4) return bare.startsWith("127.");
  return bare === "::1";
}

import type { ConnectorRegistry } from "../connectors/registry.js";
import { ApiError } from "../errors/api-error.js";
import type { CallerScope } from "../records/customer.js";

/**
 * Refuses a caller of sandbox scope anything of a real institution, exactly as a wrong key
 * is refused: development conveniences (open auth, demo tokens) never reach real cards.
 */
export function assertScopeReaches(scope: CallerScope, connectors: ConnectorRegistry, institution: string): void {
  if (scope === "sandbox" && connectors.find(institution)?.sandbox !== true) throw new ApiError("ACCESS_DENIED");
}

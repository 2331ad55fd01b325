import { loadScript, type ScenarioScript, saveScript } from "../connectors/sandbox/scenario-script.js";
import { catalogueScenario } from "../connectors/sandbox/scenarios.js";
import { type ForcedLogin, forceNextLogin, forgetUser } from "../connectors/sandbox/user-record.js";
import { ApiError } from "../errors/api-error.js";
import type { Login } from "../records/login.js";
import type { LoginStore } from "../storage/login-store.js";
import type { CardSecrets } from "./card-secrets.js";
import type { InstitutionMemories } from "./institution-memories.js";

/** Scripts are FlinksCapital users: they live in its memory, one set per customer. */
const SCRIPT_INSTITUTION = "FlinksCapital";
/** The memory keys are hashed, so the names registered are also kept in one list (the dashboard shows it). */
const SCRIPT_NAMES_KEY = "script-names";
const MAX_LISTED_SCRIPTS = 200;

/**
 * The sandbox control plane's levers on the sandbox banks: a card's next live login forced to
 * an outcome, what the bank remembers of a card's user reset, and scenario scripts (custom
 * FlinksCapital users a test registers, then logs in with).
 */
export class SandboxControls {
  constructor(private readonly deps: { logins: LoginStore; secrets: CardSecrets; memories: InstitutionMemories }) {}

  /** The card's next live login (refresh, reconnect, nightly) meets `outcome` instead of its scenario, once. */
  async forceNextRefresh(customerId: string, loginId: string, outcome: ForcedLogin): Promise<Login> {
    const card = await this.#card(customerId, loginId);
    await forceNextLogin(this.#memoryOf(card), this.deps.secrets.username(card), outcome);
    return card;
  }

  /** The bank forgets the card's user: the next live login is like the first. The card and its data stay. */
  async resetCard(customerId: string, loginId: string): Promise<Login> {
    const card = await this.#card(customerId, loginId);
    await forgetUser(this.#memoryOf(card), this.deps.secrets.username(card));
    return card;
  }

  /** Registers (or replaces) a script; catalogue users' names are taken. */
  async putScript(customerId: string, script: ScenarioScript): Promise<void> {
    if (catalogueScenario(script.name)) throw new ApiError("INVALID_REQUEST", {}, "That name is a catalogue user (docs/sandbox.md).");
    const memory = this.deps.memories.of(customerId, SCRIPT_INSTITUTION);
    await saveScript(memory, script);
    // Read, add, write: two registrations at the same instant may keep one name only; the
    // scripts themselves are both saved and both work, only the list is a convenience.
    const names = new Set([script.name.toLowerCase(), ...(await this.listScripts(customerId))]);
    await memory.write(SCRIPT_NAMES_KEY, [...names].sort().slice(0, MAX_LISTED_SCRIPTS));
  }

  /** The names of the scripts registered (since this list exists), sorted. */
  async listScripts(customerId: string): Promise<string[]> {
    const names = await this.deps.memories.of(customerId, SCRIPT_INSTITUTION).read(SCRIPT_NAMES_KEY);
    return Array.isArray(names) ? names.filter((name): name is string => typeof name === "string") : [];
  }

  async getScript(customerId: string, name: string): Promise<ScenarioScript> {
    const script = await loadScript(this.deps.memories.of(customerId, SCRIPT_INSTITUTION), name.toLowerCase());
    if (!script) throw new ApiError("NOT_FOUND");
    return script;
  }

  async #card(customerId: string, loginId: string): Promise<Login> {
    const card = await this.deps.logins.find(customerId, loginId);
    if (!card) throw new ApiError("INVALID_LOGIN");
    return card;
  }

  #memoryOf(card: Login) {
    return this.deps.memories.of(card.customerId, card.institution);
  }
}

import type { InstitutionConnector } from "./types.js";

/** The institutions this server can reach, looked up by Flinks institution code (case-insensitive). */
export class ConnectorRegistry {
  readonly #byCode: Map<string, InstitutionConnector>;

  constructor(connectors: InstitutionConnector[]) {
    this.#byCode = new Map(connectors.map((c) => [c.id.toLowerCase(), c]));
  }

  find(institution: string): InstitutionConnector | undefined {
    return this.#byCode.get(institution.trim().toLowerCase());
  }

  list(): InstitutionConnector[] {
    return [...this.#byCode.values()];
  }
}

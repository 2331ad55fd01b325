import type { ConnectorContext, Credentials, FetchResult, InstitutionConnector, Json, SecurityAnswers, StepResult } from "../types.js";
import { fetchAccountData } from "./fetch-account-data.js";
import type { OfxInstitution } from "./institution-directory.js";
import { fromJson } from "./login-state.js";
import { answerLogin, startLogin } from "./login-steps.js";

/**
 * An institution reached over OFX Direct Connect (docs/connectors/ofx.md): one connector per
 * directory entry. All its I/O goes through the context, and every bank answer, garbled ones
 * included, is a StepResult or FetchResult: nothing it does throws on purpose.
 */
export function createOfxConnector(institution: OfxInstitution): InstitutionConnector {
  return {
    id: institution.id,
    name: institution.name,
    institutionId: institution.institutionId,
    capabilities: new Set(["mfa"]),

    start(credentials: Credentials, ctx: ConnectorContext): Promise<StepResult> {
      return startLogin(institution, credentials, ctx);
    },

    async answer(answers: SecurityAnswers, connectorState: Json, ctx: ConnectorContext): Promise<StepResult> {
      const state = fromJson(connectorState);
      if (!state) return { kind: "failed", code: "INVALID_SECURITY_RESPONSE" };
      return answerLogin(institution, answers, state, ctx);
    },

    async fetchData(connectorState: Json, ctx: ConnectorContext): Promise<FetchResult> {
      const state = fromJson(connectorState);
      if (!state || state.pending) return { kind: "failed", code: "UNAUTHORIZED" };
      return fetchAccountData(institution, state, ctx);
    },
  };
}

/** One connector per directory entry, for the registry. */
export function createOfxConnectors(directory: readonly OfxInstitution[]): InstitutionConnector[] {
  return directory.map(createOfxConnector);
}

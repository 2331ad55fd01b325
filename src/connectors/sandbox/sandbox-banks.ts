import { ConnectorRegistry } from "../registry.js";
import type { InstitutionConnector } from "../types.js";
import { createSandboxBank, type SandboxBank, type SandboxTiming } from "./sandbox-bank.js";
import { CHOOSE_STREET, CITY, PICK_IMAGE, TEXT_OR_CALL_THEN_CODE } from "./scenarios.js";

/** A round-cornered square with the bank's initials: small enough to bundle, distinct enough to pick. */
function monogram(initials: string, background: string): string {
  return (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64" role="img">' +
    `<rect width="64" height="64" rx="14" fill="${background}"/>` +
    `<text x="32" y="41" font-family="Arial,Helvetica,sans-serif" font-size="24" font-weight="700" fill="#fff" text-anchor="middle">${initials}</text>` +
    "</svg>"
  );
}

/**
 * The sandbox institutions (docs/sandbox.md): FlinksCapital with the whole scenario catalogue,
 * and banks whose every user (password `Everyday`) meets one MFA style, so the widget's list
 * shows the styles side by side. Ids above 9000 stay clear of Flinks' real institution ids.
 */
export const SANDBOX_BANKS: readonly SandboxBank[] = [
  { id: "FlinksCapital", name: "FlinksCapital", institutionId: 14, logoSvg: monogram("FC", "#0b5fff") },
  {
    id: "MapleTrust",
    name: "Maple Trust (sandbox)",
    institutionId: 9001,
    logoSvg: monogram("MT", "#c62828"),
    everyUser: { login: { kind: "script", steps: [[CHOOSE_STREET]] } },
  },
  {
    id: "LaurentideSavings",
    name: "Laurentide Savings (sandbox)",
    institutionId: 9002,
    logoSvg: monogram("LS", "#2e7d32"),
    everyUser: { login: { kind: "script", steps: [[PICK_IMAGE]] } },
  },
  {
    id: "NorthwindCreditUnion",
    name: "Northwind Credit Union (sandbox)",
    institutionId: 9003,
    logoSvg: monogram("NC", "#6a1b9a"),
    everyUser: { login: { kind: "script", steps: TEXT_OR_CALL_THEN_CODE } },
  },
  {
    id: "LibertyNational",
    name: "Liberty National Bank (sandbox, US)",
    institutionId: 9004,
    logoSvg: monogram("LN", "#37474f"),
    everyUser: { login: { kind: "script", steps: [[CITY]] }, data: { region: "US" } },
  },
];

export function createSandboxRegistry(timing: SandboxTiming): ConnectorRegistry {
  return new ConnectorRegistry(SANDBOX_BANKS.map((bank) => createSandboxBank(bank, timing)));
}

/** One sandbox bank by id: what a process that needs only that bank builds (the connector contract suite's second process). */
export function createSandboxInstitution(id: string, timing: SandboxTiming): InstitutionConnector {
  const bank = SANDBOX_BANKS.find((candidate) => candidate.id === id);
  if (!bank) throw new Error(`no sandbox bank ${id}`);
  return createSandboxBank(bank, timing);
}

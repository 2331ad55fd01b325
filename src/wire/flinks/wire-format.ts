import type { Login } from "../../records/login.js";

/**
 * Flinks writes timestamps as UTC without an offset and with 7 fractional digits
 * ("2026-01-21T20:47:47.1450000"), the .NET round-trip format without its "Z".
 */
export function flinksTimestamp(at: Date): string {
  return `${at.toISOString().slice(0, 23)}0000`;
}

export interface WireLogin {
  Username: string;
  IsScheduledRefresh: boolean;
  LastRefresh: string | null;
  Type: Login["loginType"];
  Id: string;
}

export function wireLogin(login: Login, username: string): WireLogin {
  return {
    Username: username,
    IsScheduledRefresh: login.isScheduledRefresh,
    LastRefresh: login.lastRefreshAt && flinksTimestamp(login.lastRefreshAt),
    Type: login.loginType,
    Id: login.id,
  };
}

export interface WireLink {
  rel: string;
  href: string;
  example: string | null;
}

export function link(rel: string, href: string, example: string | null = null): WireLink {
  return { rel, href, example };
}

export const DATA_LINKS: WireLink[] = [
  link("AccountsDetail", "/GetAccountsDetail"),
  link("AccountsSummary", "/GetAccountsSummary"),
  link("Statements", "/GetStatements"),
];

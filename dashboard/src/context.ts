import { createContext } from "preact";
import { useContext } from "preact/hooks";
import type { DashboardApi, Viewer } from "./api";
import type { Language, Strings } from "./i18n";

/** What every screen needs: the API client, who is signed in, the strings, and how to report a lost session. */
export interface DashboardContext {
  api: DashboardApi;
  viewer: Viewer;
  t: Strings;
  language: Language;
  signedOut(): void;
  /** A short message for the live region (screen readers hear it). */
  announce(message: string): void;
}

export const Dashboard = createContext<DashboardContext | null>(null);

export function useDashboard(): DashboardContext {
  const context = useContext(Dashboard);
  if (!context) throw new Error("outside the dashboard");
  return context;
}

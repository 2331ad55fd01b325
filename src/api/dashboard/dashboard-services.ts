import { CardOverview } from "../../card-data/card-overview.js";
import { CardStatements } from "../../card-data/card-statements.js";
import type { CallerAuth } from "../../customers/caller-auth.js";
import { DashboardSignIn } from "../../customers/dashboard-sign-in.js";
import type { Clock } from "../../lib/clock.js";
import type { TimeOfDay } from "../../lib/nightly-schedule.js";
import type { CardSecrets } from "../../logins/card-secrets.js";
import type { StoredMfaAnswers } from "../../logins/stored-mfa-answers.js";
import { JobOverview } from "../../queue/job-overview.js";
import { SessionTimeline } from "../../sessions/session-timeline.js";
import type { Storage } from "../../storage/storage.js";
import type { WidgetFiles } from "../connect/widget-files.js";

/** What the dashboard's routes need besides the services every plugin shares (built in deps.ts). */
export interface DashboardServices {
  /** "read-only": every change is refused (DASHBOARD_READ_ONLY). */
  mode: "on" | "read-only";
  signIn: DashboardSignIn;
  cards: CardOverview;
  statements: CardStatements;
  timeline: SessionTimeline;
  jobs: JobOverview;
  /** The built dashboard page (null until built), read on each request like the widget's. */
  files(): WidgetFiles | null;
  /** The flows' clock (the sandbox's virtual clock when the control plane is on): countdowns follow it. */
  clock: Clock;
  /** When the nightly run starts (UTC) and whether it runs in this deployment. */
  nightly: { at: TimeOfDay; enabled: boolean };
}

/** A dashboard session ends after this long without a request (the page polls while open, so an open tab stays signed in). */
export const DASHBOARD_IDLE_SECONDS = 30 * 60;

/** BANKGATE_DASHBOARD resolved: `auto` is on in a development deployment, off otherwise. */
export function dashboardMode(setting: "auto" | "on" | "read-only" | "off", development: boolean): "on" | "read-only" | "off" {
  return setting === "auto" ? (development ? "on" : "off") : setting;
}

/** The dashboard's services, or null when it is off (its routes are then absent: 404). */
export function buildDashboardServices(deps: {
  mode: "on" | "read-only" | "off";
  storage: Storage;
  callerAuth: CallerAuth;
  /** Real time: sign-in sessions must not expire when the sandbox's virtual clock jumps. */
  realClock: Clock;
  clock: Clock;
  secrets: CardSecrets;
  storedAnswers: StoredMfaAnswers;
  files: () => WidgetFiles | null;
  nightly: { at: TimeOfDay; enabled: boolean };
}): DashboardServices | null {
  if (deps.mode === "off") return null;
  const { storage } = deps;
  return {
    mode: deps.mode,
    signIn: new DashboardSignIn({
      store: storage.dashboard,
      callerAuth: deps.callerAuth,
      clock: deps.realClock,
      idleSeconds: DASHBOARD_IDLE_SECONDS,
    }),
    cards: new CardOverview({
      logins: storage.logins,
      snapshots: storage.snapshots,
      secrets: deps.secrets,
      storedAnswers: deps.storedAnswers,
    }),
    statements: new CardStatements({ logins: storage.logins, snapshots: storage.snapshots }),
    timeline: new SessionTimeline({ sessions: storage.sessions, dashboard: storage.dashboard, clock: deps.clock }),
    jobs: new JobOverview(storage),
    files: deps.files,
    clock: deps.clock,
    nightly: deps.nightly,
  };
}

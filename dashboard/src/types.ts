/** The shapes /dashboard/api answers with (src/api/dashboard/). */

export interface CardSummary {
  loginId: string;
  institution: string;
  maskedUsername: string;
  createdAt: string;
  lastRefreshAt: string | null;
  lastRefreshError: string | null;
  refreshState: string | null;
  refreshAttemptedAt: string | null;
  nightlyNight: string | null;
  scheduledRefresh: boolean;
  savedCredentials: boolean;
  liveRequestId: string | null;
}

export interface CardAccount {
  accountId: string;
  title: string;
  category: string;
  type: string;
  currency: string;
  maskedNumber: string;
  balance: { available: number | null; current: number | null; limit: number | null };
  transactionCount: number;
}

export interface CardDetailData extends CardSummary {
  storedQuestions: string[];
  accounts: CardAccount[];
}

export interface Transaction {
  transactionId: string;
  accountId: string;
  date: string;
  description: string;
  debit: number | null;
  credit: number | null;
  balance: number;
}

export interface SessionRow {
  requestId: string;
  state: string;
  mode: string;
  institution: string;
  loginId: string | null;
  pendingPrompts: string[];
  attemptsLeft: number;
  errorCode: string | null;
  expired: boolean;
  createdAt: string;
  lastActivityAt: string;
  expiresAt: string;
  absoluteExpiresAt: string;
}

export interface TimelineStep {
  at: string;
  kind: string;
  code: string | null;
  prompts: string[];
}

export interface Timeline {
  now: string;
  frozen: boolean;
  requestId: string;
  state: string;
  mode: string;
  institution: string;
  loginId: string | null;
  expired: boolean;
  expiresAt: string;
  absoluteExpiresAt: string;
  steps: TimelineStep[];
}

export interface ClockView {
  sandbox: boolean;
  now: string;
  offsetSeconds: number;
  frozen: boolean;
  nightly: { enabled: boolean; nextRunAt: string };
}

export interface Delivery {
  eventId: string;
  type: string;
  state: string;
  createdAt: string;
  deliveredAt: string | null;
  attempts: Array<{ at: string; statusCode: number | null; durationMs: number; error: string | null }>;
}

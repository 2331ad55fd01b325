import type { Generated } from "kysely";

/**
 * Row shapes of both stores. Timestamps are epoch milliseconds and booleans 0/1 so that the
 * same queries run unchanged on SQLite and PostgreSQL.
 */
export interface Database {
  customers: CustomerRow;
  authorize_tokens: AuthorizeTokenRow;
  logins: LoginRow;
  snapshots: SnapshotRow;
  sessions: SessionRow;
  server_settings: ServerSettingRow;
  attempt_counters: AttemptCounterRow;
  jobs: JobRow;
  institution_memory: InstitutionMemoryRow;
  card_vault: CardVaultRow;
  webhook_endpoints: WebhookEndpointRow;
  webhook_events: WebhookEventRow;
  webhook_attempts: WebhookAttemptRow;
  usage_days: UsageDayRow;
  lease_holders: LeaseHolderRow;
  dashboard_sessions: DashboardSessionRow;
  session_events: SessionEventRow;
}

export interface CustomerRow {
  id: string;
  name: string;
  secret_key_hash: string;
  api_key_hash: string;
  auth_mode: string;
  created_at: number;
  /** 1: MFA answers accepted during live sessions are kept for nightly refreshes. */
  store_mfa_answers: Generated<number>;
  /** JSON array: the Connect widget's redirectUrl values, each matched exactly (null: none). */
  connect_redirect_urls: string | null;
  /** JSON array: origins that may embed the widget and receive its events (null: none). */
  connect_parent_origins: string | null;
}

export interface AuthorizeTokenRow {
  token_hash: string;
  customer_id: string;
  expires_at: number;
  /** Set when the token opens a session; it is then accepted for that RequestId only. */
  request_id: string | null;
}

export interface LoginRow {
  id: string;
  customer_id: string;
  /** Keyed hash of customer + institution + normalized username + language (the LoginId identity). */
  lookup_hash: string;
  institution: string;
  language: string;
  username_enc: string;
  credentials_enc: string | null;
  login_type: string;
  is_scheduled_refresh: number;
  last_refresh_at: number | null;
  last_refresh_error: string | null;
  snapshot_id: string | null;
  created_at: number;
  live_request_id: string | null;
  /** Where the last refresh ended: Completed, Authenticating, AnsweringSecurityChallenge, Aggregating. */
  refresh_state: string | null;
  refresh_attempted_at: number | null;
  /** The night (UTC date of the run) the nightly refresh last took this card. */
  nightly_night: string | null;
  /** Vault envelope of the stored MFA questions and answers, AAD bound to the card. */
  mfa_answers_enc: string | null;
  /** JSON array of AccountIds chosen in the Connect widget; data calls return only these (null: all). */
  selected_account_ids: string | null;
}

export interface SnapshotRow {
  id: string;
  login_id: string;
  created_at: number;
  /** JSON: the whole Snapshot, or (base_id set) a delta against the full snapshot base_id (snapshot-delta.ts). */
  payload: string;
  base_id: string | null;
  /** What the data was fetched from (PreviousFetch of connectors/types.ts); null: no basis given. */
  fetch_basis: string | null;
  fetch_day: string | null;
  /** JSON SnapshotOutline (snapshot-delta.ts) of a whole snapshot: what a delta of it needs without reading it; null for a delta. */
  outline: string | null;
}

export interface SessionRow {
  request_id: string;
  customer_id: string;
  login_id: string | null;
  institution: string;
  mode: string;
  state: string;
  language: string;
  save: number;
  tag: string | null;
  challenges: string | null;
  connector_state_enc: string | null;
  credentials_enc: string | null;
  attempts_left: number;
  error_code: string | null;
  snapshot_id: string | null;
  authorize_token_hash: string | null;
  version: number;
  lease_until: number | null;
  /** The process (lease_holders.id) that took the lease; meaningful while lease_until is set. */
  lease_holder: string | null;
  created_at: number;
  last_activity_at: number;
  expires_at: number;
  absolute_expires_at: number;
  schedule_refresh: number;
}

export interface ServerSettingRow {
  name: string;
  value: string;
}

/**
 * Brute-force counter of one subject (quality bar S1, docs/quality-bars.md). Lists are
 * comma-separated: epoch ms, and `id@expiresAtMs`.
 */
export interface AttemptCounterRow {
  subject_key: string;
  failures_at: string;
  pending: string;
  locked_until: number | null;
  lock_count: number;
  version: number;
  retain_until: number;
}

export interface JobRow {
  id: string;
  kind: string;
  /** Encrypted: a payload may carry MFA answers. Emptied once the job is done. */
  payload_enc: string;
  singleton_key: string | null;
  /** queued | running | done | failed */
  state: string;
  attempts: number;
  max_attempts: number;
  run_at: number;
  /** While running: the claim lapses at this time (a crashed worker frees it). */
  locked_until: number | null;
  /** While running: the process (lease_holders.id) that claimed it. */
  locked_by: string | null;
  last_error: string | null;
  created_at: number;
  updated_at: number;
}

export interface InstitutionMemoryRow {
  customer_id: string;
  institution: string;
  key_hash: string;
  /** JSON. */
  value: string;
  updated_at: number;
}

export interface WebhookEndpointRow {
  customer_id: string;
  url: string;
  /** The HMAC signing secret, encrypted (vault). */
  secret_enc: string;
  updated_at: number;
}

export interface WebhookEventRow {
  /** The event id: sent in the body (EventId) and the bankgate-event-id header, so receivers can drop duplicates. */
  id: string;
  customer_id: string;
  /** KYC | GetAccountsDetail | RefreshFailed */
  type: string;
  /** The card the event is about, if any: deleted with it. */
  login_id: string | null;
  /** The exact JSON body sent (encrypted: it carries account data). */
  body_enc: string;
  /** pending | delivered | failed */
  state: string;
  created_at: number;
  delivered_at: number | null;
}

export interface WebhookAttemptRow {
  event_id: string;
  attempted_at: number;
  /** null when no HTTP answer came (timeout, refused connection…). */
  status_code: number | null;
  duration_ms: number;
  error: string | null;
}

export interface UsageDayRow {
  customer_id: string;
  /** UTC day, YYYY-MM-DD. */
  day: string;
  live_connections: number;
}

export interface CardVaultRow {
  lookup_hash: string;
  customer_id: string;
  value_enc: string;
  updated_at: number;
}

/** A running bankgate process (migration 010): leases and job claims name it. */
export interface LeaseHolderRow {
  id: string;
  /** Hostname, boot id and pid namespace: holders with the same host can probe each other's pid. */
  host: string;
  pid: number;
  /** The OS's start time of that pid, so a reused pid is not taken for the holder (null: unknown). */
  process_start: string | null;
  started_at: number;
  heartbeat_at: number;
}

/** A signed-in dashboard viewer (migration 013): the hash of its cookie's token, never the token. */
export interface DashboardSessionRow {
  token_hash: string;
  customer_id: string;
  created_at: number;
  expires_at: number;
}

/** One step of a session's timeline (migration 013), written by triggers on `sessions`. */
export interface SessionEventRow {
  id: Generated<number>;
  request_id: string;
  customer_id: string;
  at: number;
  state: string;
  error_code: string | null;
  challenges: string | null;
}

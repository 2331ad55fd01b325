/**
 * What a simulated SimpleFIN user meets (docs/connectors/simplefin.md, "The simulator"). A setup
 * token is made for a user and a scenario (`POST /create?scenario=…&user=…`); the scenario
 * decides how the server answers that user's access URL.
 */
export interface SimScenario {
  description: string;
  /** What `GET /info` offers: only "1.0" for a server that never speaks protocol 2. */
  versions: readonly string[];
  /** How many accounts the user holds (1 to 10, from the sandbox generator's rotation). */
  accounts?: number;
  /** About how many transactions each account lists over a year (the generator's target). */
  transactionsPerAccount?: number;
  /** `/accounts` answers this status instead of data. */
  status?: 402 | 403;
  /** `/accounts` answers 200 with this errlist code (and the connection's accounts, stale). */
  refusal?: "gen.auth" | "con.auth";
  /** `/accounts` answers 200 with a broken body of this kind. */
  brokenBody?: "html" | "truncated" | "wrong-types" | "huge";
  /** `/accounts` waits `slowSeconds` on the clock, or never answers. */
  latency?: "slow" | "hang";
  /** The card's newest charge is pending until two days after the user was created, then posts with the same id (tip added). */
  pendingPosts?: boolean;
  /** A savings account opens one day after the user was created. */
  accountOpensLater?: boolean;
}

const BOTH_VERSIONS = ["1.0", "2.0"] as const;

export const SIM_SCENARIOS: Readonly<Record<string, SimScenario>> = {
  ok: { description: "Four accounts at two connections, a year of history; protocol 1 and 2.", versions: BOTH_VERSIONS },
  v1_only: { description: "A protocol 1 server: /info offers 1.0 and /accounts ignores version=2.", versions: ["1.0"] },
  payment_required: { description: "/accounts answers 402 Payment Required.", versions: BOTH_VERSIONS, status: 402 },
  revoked: { description: "The claim works, then /accounts answers 403 (access revoked).", versions: BOTH_VERSIONS, status: 403 },
  gen_auth: { description: "/accounts answers 200 with a gen.auth error and no accounts.", versions: BOTH_VERSIONS, refusal: "gen.auth" },
  con_auth: {
    description: "/accounts answers 200 with a con.auth error for the second connection.",
    versions: BOTH_VERSIONS,
    refusal: "con.auth",
  },
  many_transactions: {
    description: "One checking account with about 1,000 transactions in every 90-day window.",
    versions: BOTH_VERSIONS,
    accounts: 1,
    transactionsPerAccount: 4600,
  },
  pending_posts: {
    description: "The card's newest charge is pending (posted 0) for two days, then posts under the same id with a tip added.",
    versions: BOTH_VERSIONS,
    pendingPosts: true,
  },
  new_account_later: {
    description: "A fifth account, High Yield Savings, opens one day after the user was created.",
    versions: BOTH_VERSIONS,
    accountOpensLater: true,
  },
  slow: { description: "/accounts takes slowSeconds (30) on the simulator's clock.", versions: BOTH_VERSIONS, latency: "slow" },
  hanging: { description: "/accounts never answers.", versions: BOTH_VERSIONS, latency: "hang" },
  html_error: { description: "/accounts answers 200 with an HTML error page.", versions: BOTH_VERSIONS, brokenBody: "html" },
  truncated: { description: "/accounts answers 200 with JSON cut in the middle.", versions: BOTH_VERSIONS, brokenBody: "truncated" },
  malformed: {
    description: "/accounts answers 200 with JSON of the wrong types (numbers for strings).",
    versions: BOTH_VERSIONS,
    brokenBody: "wrong-types",
  },
  huge_body: { description: "/accounts answers 200 with an 11 MB body.", versions: BOTH_VERSIONS, brokenBody: "huge" },
};

export function simScenario(name: string): SimScenario | undefined {
  return Object.hasOwn(SIM_SCENARIOS, name) ? SIM_SCENARIOS[name] : undefined;
}

import type {
  ConnectorContext,
  ConnectorFailure,
  Credentials,
  FetchResult,
  InstitutionConnector,
  Json,
  SecurityAnswers,
  StepResult,
} from "../types.js";
import { AccessClient, type AccessLimits } from "./access-client.js";
import { type CardAccess, isCardToken, readCardAccess, withClaimedAccess, writeCardAccess } from "./card-access.js";
import { claimAccessUrl } from "./claim-access-url.js";
import { toAggregatedData } from "./map-accounts.js";
import { mergeWindows } from "./merge-windows.js";
import { answeredToken, newTokenChallenge } from "./new-token-challenge.js";
import type { ParsedAccount } from "./parse-account-set.js";
import { planRequestWindows, type WindowPlan } from "./request-windows.js";
import { decodeSetupToken, setupTokenHash } from "./setup-token.js";
import { simpleFinLogo } from "./simplefin-logo.js";

export interface SimpleFinConnectorOptions {
  /** Institution code (default `SimpleFIN`); a sandbox instance in front of the simulator takes another. */
  id?: string;
  name?: string;
  /** Flinks' numeric institution id; ids above 9000 stay clear of Flinks' own (default 9100). */
  institutionId?: number;
  /** A test institution: listed by the Connect widget only with `demo=true`. */
  sandbox?: boolean;
  /** Requests per access URL per UTC day (default 24, what the SimpleFIN Bridge asks of apps). */
  dailyRequestBudget?: number;
  /** Days of transactions fetched (default 365). */
  historyDays?: number;
  /** The widest date range one request asks for (default 90, the Bridge's cap). */
  maxDaysPerRequest?: number;
  /** Each request's own limit (default 20 s; the whole fetch is also bounded by the server's connector timeout). */
  requestTimeoutSeconds?: number;
  /** A bigger `/accounts` answer is refused as the server's fault (default 8 MiB). */
  maxResponseBytes?: number;
  /** Where people get a setup token (default the SimpleFIN Bridge's page). */
  helpUrl?: string;
}

type SimpleFinState = { step: "authorized" } | { step: "new-token"; prompt: string };

const WINDOW_OVERLAP_DAYS = 1;

/**
 * The SimpleFIN connector (simplefin.org/protocol.html; docs/connectors/simplefin.md). The
 * password is a setup token, claimed once for an access URL kept in the card's vault; later
 * logins of the card (refreshes with the stored credentials, a retry after a crash) use that
 * access URL and never claim again. There is no MFA; the one 203 is the request for a new
 * setup token after the server revoked the card's access.
 */
export function createSimpleFinConnector(options: SimpleFinConnectorOptions = {}): InstitutionConnector {
  const limits: AccessLimits = {
    dailyRequestBudget: options.dailyRequestBudget ?? 24,
    requestTimeoutSeconds: options.requestTimeoutSeconds ?? 20,
    maxResponseBytes: options.maxResponseBytes ?? 8 * 1024 * 1024,
  };
  const plan: WindowPlan = {
    historyDays: options.historyDays ?? 365,
    maxDaysPerRequest: options.maxDaysPerRequest ?? 90,
    overlapDays: WINDOW_OVERLAP_DAYS,
  };
  assertWorkable(limits, plan);

  /** Claims `pasted` for the card and keeps the access URL in the vault before answering. */
  async function claimToken(pasted: string, previous: CardAccess | null, ctx: ConnectorContext, ifInvalid: ConnectorFailure) {
    const decoded = decodeSetupToken(pasted);
    if (decoded.kind === "invalid") return failed(ifInvalid);
    const tokenHash = setupTokenHash(pasted);
    const claimed = await claimAccessUrl(ctx.http, decoded.claimUrl, limits.requestTimeoutSeconds);
    if (claimed.kind === "failed") {
      // Spent by this very card a moment ago (a double submit racing this one): not compromised, just in.
      const current = claimed.code === "SETUP_TOKEN_ALREADY_USED" ? await readCardAccess(ctx.vault) : null;
      return current && isCardToken(current, tokenHash) ? authorized() : failed(claimed.code);
    }
    await writeCardAccess(ctx.vault, withClaimedAccess(previous, claimed.accessUrl, tokenHash, ctx.clock.now()));
    return authorized();
  }

  /**
   * A login of a card that has its access already. A login with its person there (a live
   * refresh the app started), or of a card whose last fetch was refused, goes to the server:
   * one cheap balances-only request says whether the access works (still, or again); if not,
   * the person is asked for a new setup token — in this very refresh, not the next one. The
   * nightly refresh of a healthy card sends nothing: its fetch finds out.
   */
  async function resumeCard(access: CardAccess, language: "en" | "fr", ctx: ConnectorContext): Promise<StepResult> {
    if (!access.revoked && !ctx.attended) return authorized();
    const client = new AccessClient(access, ctx, limits);
    if (client.requestsLeft() > 0) {
      const probe = await client.accounts({ version2: access.protocol === "2", balancesOnly: true });
      if (probe.kind === "accounts") {
        await client.update({ revoked: false });
        return authorized();
      }
      if (!probe.revoked) return failed(probe.code);
    }
    const challenge = newTokenChallenge(language);
    const state: SimpleFinState = { step: "new-token", prompt: challenge.prompt };
    return { kind: "challenged", challenges: [challenge], connectorState: state };
  }

  return {
    id: options.id ?? "SimpleFIN",
    name: options.name ?? "SimpleFIN",
    institutionId: options.institutionId ?? 9100,
    capabilities: new Set(["mfa"]),
    logoSvg: simpleFinLogo,
    sandbox: options.sandbox ?? false,
    loginForm: {
      usernameLabel: { en: "A name for this connection", fr: "Un nom pour cette connexion" },
      passwordLabel: { en: "SimpleFIN setup token", fr: "Jeton de configuration SimpleFIN" },
      helpUrl: options.helpUrl ?? "https://bridge.simplefin.org/simplefin/create",
      username: "derived",
    },

    async start(credentials: Credentials, ctx: ConnectorContext): Promise<StepResult> {
      const access = await readCardAccess(ctx.vault);
      if (access && isCardToken(access, setupTokenHash(credentials.password))) return resumeCard(access, credentials.language, ctx);
      return claimToken(credentials.password, access, ctx, "SETUP_TOKEN_INVALID");
    },

    async answer(answers: SecurityAnswers, connectorState: Json, ctx: ConnectorContext): Promise<StepResult> {
      const state = connectorState as SimpleFinState | null;
      if (state?.step !== "new-token") return failed("INVALID_SECURITY_RESPONSE");
      const token = answeredToken(answers, state.prompt);
      // A mistyped token is a wrong answer the person may correct (the attempt limits apply).
      if (!token) return failed("INVALID_SECURITY_RESPONSE");
      const access = await readCardAccess(ctx.vault);
      if (access && isCardToken(access, setupTokenHash(token))) {
        // A token this card already claimed (pasted again, or replayed from stored answers): spent.
        return access.revoked ? failed("RECONNECT_REQUIRED") : authorized();
      }
      return claimToken(token, access, ctx, "INVALID_SECURITY_RESPONSE");
    },

    async fetchData(_connectorState: Json, ctx: ConnectorContext): Promise<FetchResult> {
      const access = await readCardAccess(ctx.vault);
      if (!access) return failed("RECONNECT_REQUIRED");
      const client = new AccessClient(access, ctx, limits);
      const now = ctx.clock.now();
      const windows = planRequestWindows(now, plan);
      // All or nothing: a half-fetched year would publish a snapshot with holes.
      if (client.requestsLeft() < windows.length + (access.protocol === null ? 1 : 0)) {
        return access.lastFetchedAt ? { kind: "unchanged" } : failed("DAILY_REQUEST_LIMIT");
      }
      let protocol = access.protocol;
      if (protocol === null) {
        const offered = await client.protocolVersion();
        if (offered.kind === "failed") return failed(offered.code);
        protocol = offered.version;
      }
      const answered: ParsedAccount[][] = [];
      for (const [index, window] of windows.entries()) {
        // Pending transactions are recent: only the newest window asks for them.
        const outcome = await client.accounts({
          version2: protocol === "2",
          startDate: window.start,
          endDate: window.end,
          pending: index === 0,
        });
        if (outcome.kind === "failed") {
          if (outcome.revoked) await client.update({ revoked: true });
          return failed(outcome.code);
        }
        answered.push(outcome.accounts);
      }
      await client.update({ protocol, revoked: false, lastFetchedAt: now.toISOString() });
      return { kind: "data", data: toAggregatedData(mergeWindows(answered), now) };
    },
  };
}

/** Options that could never fetch a year within a day's budget are a configuration mistake: refused at start. */
function assertWorkable(limits: AccessLimits, plan: WindowPlan): void {
  const positiveInteger = (value: number) => Number.isInteger(value) && value > 0;
  if (!positiveInteger(limits.dailyRequestBudget)) throw new RangeError("dailyRequestBudget must be a positive integer");
  if (!positiveInteger(plan.historyDays)) throw new RangeError("historyDays must be a positive integer");
  if (!positiveInteger(plan.maxDaysPerRequest) || plan.maxDaysPerRequest <= plan.overlapDays)
    throw new RangeError(`maxDaysPerRequest must be an integer above ${plan.overlapDays}`);
  if (!(limits.requestTimeoutSeconds > 0) || !positiveInteger(limits.maxResponseBytes))
    throw new RangeError("requestTimeoutSeconds and maxResponseBytes must be positive");
  const windows = planRequestWindows(new Date(0), plan).length;
  // One request for /info on a card's first fetch; the rest of the day's budget stays for refreshes.
  if (windows + 1 > limits.dailyRequestBudget)
    throw new RangeError(
      `${plan.historyDays} days take ${windows} requests: more than a daily budget of ${limits.dailyRequestBudget} allows`,
    );
}

function failed(code: ConnectorFailure): { kind: "failed"; code: ConnectorFailure } {
  return { kind: "failed", code };
}

function authorized(): StepResult {
  const state: SimpleFinState = { step: "authorized" };
  return { kind: "authorized", connectorState: state };
}

import type { Json } from "../connectors/types.js";
import { ApiError } from "../errors/api-error.js";
import { type Clock, utcDay } from "../lib/clock.js";
import type { FaultPoints } from "../lib/fault-points.js";
import { newRandomId } from "../lib/ids.js";
import type { CardSecrets, StoredCredentials } from "../logins/card-secrets.js";
import { type AggregationPayload, singletonKeys } from "../queue/job-kinds.js";
import type { JobQueue } from "../queue/job-queue.js";
import type { Login } from "../records/login.js";
import type { Session } from "../records/session.js";
import type { Storage } from "../storage/storage.js";
import { type Timing, touched } from "./transitions.js";

export interface CommitAuthorizationDeps {
  storage: Storage;
  secrets: CardSecrets;
  clock: Clock;
  jobs: JobQueue;
  timing: Timing;
  faults: FaultPoints;
}

/**
 * The end of a successful login, in one transaction: the card (found or created), its
 * credentials when `Save`, the session's move to `authorized`, the caller's other writes of
 * the step (`alsoCommit`), the aggregation job and the billable live connection.
 * The job is enqueued in the same commit, so a crash can lose neither without the other;
 * where this process runs jobs, it is enqueued claimed for them and handed to its runner.
 * While it runs the session lives to its absolute cap (Flinks' 30-minute processing time).
 */
export async function commitAuthorization(
  deps: CommitAuthorizationDeps,
  session: Session,
  aggregation: { connectorStateEnc: string; connectorState: Json; delaySeconds: number },
  /** The session's own credentials (the caller opened them for the step), or null. */
  sessionCredentials: StoredCredentials | null,
  /** More writes of the same step, committed with it (the attempt's verdict, the accepted answers). */
  alsoCommit?: (tx: Storage, card: Login) => Promise<void>,
): Promise<{ session: Session; login: Login }> {
  const now = deps.clock.now();
  const committed = await deps.storage.transaction(async (tx) => {
    // An existing card is held for the whole commit: a DeleteCard meanwhile either waits and
    // then removes all of this, or has removed the card and nothing here is written.
    const card = session.loginId
      ? await tx.logins.holdForWrite(session.customerId, session.loginId)
      : sessionCredentials && (await createCard(deps, tx, session, sessionCredentials));
    // Deleted while the login ran: the session ends like any other unknown card.
    if (!card) throw new ApiError("INVALID_LOGIN", { requestId: session.requestId });
    // A card created above has them already.
    if (sessionCredentials && session.save && session.loginId) {
      await tx.logins.saveCredentials(card.id, deps.secrets.sealCardCredentials(card.id, sessionCredentials));
    }
    // ScheduleRefresh only takes effect on a card this session creates, as Flinks documents it
    // (https://help.flinks.com/support/solutions/articles/43000436164).
    const scheduled = !session.loginId && session.save && session.scheduleRefresh;
    if (scheduled) await tx.logins.setScheduledRefresh(session.customerId, card.id, true);
    const authorized: Session = {
      ...touched(session, now, deps.timing),
      state: "authorized",
      loginId: card.id,
      snapshotId: null,
      connectorStateEnc: aggregation.connectorStateEnc,
      challenges: null,
      credentialsEnc: null,
      leaseUntil: null,
      expiresAt: session.absoluteExpiresAt,
    };
    if (!(await tx.sessions.replace(authorized, session.version))) throw new Error("session changed during authorization");
    await alsoCommit?.(tx, card);
    const payload: AggregationPayload = {
      customerId: session.customerId,
      requestId: session.requestId,
      loginId: card.id,
      connectedAtMs: now.getTime(),
    };
    const job = await deps.jobs.enqueueForHere(
      "aggregate",
      payload,
      { singletonKey: singletonKeys.aggregation(card.id), runAt: new Date(now.getTime() + aggregation.delaySeconds * 1000) },
      tx,
      // As the store would give it back (a JSON copy): the connector keeps no handle on it.
      { card, connectorState: { sealed: aggregation.connectorStateEnc, opened: JSON.parse(JSON.stringify(aggregation.connectorState)) } },
    );
    // Billable: counted in this commit, so exactly once per authorized live RequestId,
    // however many processes race (the version check above lets one commit through). Last
    // before the commit: every authorization of the customer that day writes this one row,
    // and on PostgreSQL its lock is held from here to the commit.
    if (session.mode === "live") await tx.usage.countLiveConnection(session.customerId, utcDay(now));
    deps.faults.hit("commit-authorization:before-commit");
    return {
      session: { ...authorized, version: session.version + 1 },
      login: { ...card, lastRefreshAt: now, lastRefreshError: null, isScheduledRefresh: card.isScheduledRefresh || scheduled },
      aggregationJob: job,
    };
  });
  deps.faults.hit("commit-authorization:after-commit");
  const { aggregationJob, ...result } = committed;
  await aggregationJob.handOff();
  return result;
}

/**
 * A new card for these credentials, inserted with them when `Save` (one write, not two); or
 * the card another login of the same identity created first, given them when `Save`.
 */
async function createCard(deps: CommitAuthorizationDeps, tx: Storage, session: Session, credentials: StoredCredentials): Promise<Login> {
  const id = newRandomId();
  const card = await tx.logins.findOrCreate({
    id,
    customerId: session.customerId,
    lookupHash: deps.secrets.lookupHash(session.customerId, session.institution, credentials.username, session.language),
    institution: session.institution,
    language: session.language,
    usernameEnc: deps.secrets.sealUsername(id, credentials.username),
    credentialsEnc: session.save ? deps.secrets.sealCardCredentials(id, credentials) : null,
    loginType: "Personal",
    createdAt: deps.clock.now(),
  });
  if (card.id !== id && session.save) await tx.logins.saveCredentials(card.id, deps.secrets.sealCardCredentials(card.id, credentials));
  return card;
}

import type { AggregatedData } from "../connectors/types.js";
import { ApiError } from "../errors/api-error.js";
import type { Clock } from "../lib/clock.js";
import { newRandomId } from "../lib/ids.js";
import { buildSnapshot } from "../logins/build-snapshot.js";
import type { CardSecrets } from "../logins/card-secrets.js";
import type { Login } from "../logins/login.js";
import type { Storage } from "../storage/storage.js";
import type { Session } from "./session.js";
import { type Timing, touched } from "./transitions.js";

export interface CommitAuthorizationDeps {
  storage: Storage;
  secrets: CardSecrets;
  clock: Clock;
  indexKey: Buffer;
  timing: Timing;
}

/**
 * The end of a successful login, in one transaction: the card (found or created), its
 * credentials when `Save`, the new immutable snapshot, the card's pointer to it, and the
 * session's move to `authorized` (compare-and-swap). Readers see all of it or none of it.
 */
export async function commitAuthorization(
  deps: CommitAuthorizationDeps,
  session: Session,
  data: AggregatedData,
): Promise<{ session: Session; login: Login }> {
  const now = deps.clock.now();
  const pending = deps.secrets.openSessionCredentials(session);
  return deps.storage.transaction(async (tx) => {
    const card = session.loginId
      ? await tx.logins.find(session.customerId, session.loginId)
      : pending && (await createCard(deps, tx, session, pending.username, data.loginType));
    if (!card) throw new ApiError("INVALID_LOGIN", { RequestId: session.requestId });
    if (pending && session.save) await tx.logins.saveCredentials(card.id, deps.secrets.sealCardCredentials(card.id, pending));
    const snapshotId = newRandomId();
    await tx.logins.insertSnapshot(snapshotId, card.id, now, buildSnapshot(data, card.id, deps.indexKey));
    await tx.logins.recordRefresh(card.id, { snapshotId, at: now, loginType: data.loginType });
    const authorized: Session = {
      ...touched(session, now, deps.timing),
      state: "authorized",
      loginId: card.id,
      snapshotId,
      challenges: null,
      connectorStateEnc: null,
      credentialsEnc: null,
      leaseUntil: null,
    };
    if (!(await tx.sessions.replace(authorized, session.version))) {
      throw new ApiError("SESSION_BUSY", { RequestId: session.requestId });
    }
    return {
      session: { ...authorized, version: session.version + 1 },
      login: { ...card, loginType: data.loginType, lastRefreshAt: now, lastRefreshError: null, snapshotId },
    };
  });
}

function createCard(deps: CommitAuthorizationDeps, tx: Storage, session: Session, username: string, loginType: Login["loginType"]) {
  const id = newRandomId();
  return tx.logins.findOrCreate({
    id,
    customerId: session.customerId,
    lookupHash: deps.secrets.lookupHash(session.customerId, session.institution, username, session.language),
    institution: session.institution,
    language: session.language,
    usernameEnc: deps.secrets.sealUsername(id, username),
    loginType,
    createdAt: deps.clock.now(),
  });
}

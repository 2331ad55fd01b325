import type { ConnectorContext, ConnectorFailure } from "../types.js";
import { ANONYMOUS_USER, profileMessages, signonMessages } from "./build-requests.js";
import type { OfxInstitution } from "./institution-directory.js";
import { randomUuid } from "./ofx-ids.js";
import { DEFAULT_PROFILE, type ProfileSummary, readProfile } from "./read-profile.js";
import { signOn, signonFields } from "./sign-on.js";

/**
 * The bank's profile (PROFRQ, OFX 2.1.1 §7), read at every login before the person's
 * credentials are sent: it says whether a CLIENTUID is required, whether MFA challenges come
 * first, which extra credentials to ask for and whether closing information is served. A bank
 * that answers without a usable profile is assumed to want nothing extra; one that cannot be
 * reached fails the login.
 */
export async function fetchProfile(
  ctx: ConnectorContext,
  institution: OfxInstitution,
): Promise<{ kind: "profile"; profile: ProfileSummary } | { kind: "failed"; code: ConnectorFailure }> {
  const answer = await signOn(ctx, institution, [
    signonMessages(signonFields(ctx, institution, { userId: ANONYMOUS_USER, password: ANONYMOUS_USER })),
    profileMessages(randomUuid(ctx.randomInt)),
  ]);
  if (answer.kind === "failed") return answer;
  const profile = readProfile(answer.document) ?? DEFAULT_PROFILE;
  return { kind: "profile", profile: { ...profile, clientUidRequired: profile.clientUidRequired || institution.clientUidRequired } };
}

import type { ConnectorContext, Json } from "../types.js";
import { randomUuid } from "./ofx-ids.js";

/**
 * What the bank gave this card, kept in the card vault (encrypted, deleted with the card):
 * the CLIENTUID made once for the card (a bank that approved it once must see it again),
 * the ACCESSKEY that lets later logins skip MFA, and the extra credentials the profile asks
 * for (USERCRED1/2), which the Flinks login form has no field for.
 */
export interface OfxCardSecrets {
  clientUid: string;
  accessKey?: string;
  userCred1?: string;
  userCred2?: string;
}

/** The card's secrets, making (and keeping at once) the CLIENTUID on the card's first login. */
export async function readCardSecrets(ctx: ConnectorContext): Promise<OfxCardSecrets> {
  const stored = await ctx.vault.read();
  if (isSecrets(stored)) return stored;
  const fresh: OfxCardSecrets = { clientUid: randomUuid(ctx.randomInt) };
  await ctx.vault.write(fresh as unknown as Json);
  return fresh;
}

/** Writes only when something changed: most logins write nothing. */
export async function updateCardSecrets(
  ctx: ConnectorContext,
  current: OfxCardSecrets,
  change: Partial<OfxCardSecrets>,
): Promise<OfxCardSecrets> {
  const next = { ...current, ...change };
  const changed = (Object.keys(change) as Array<keyof OfxCardSecrets>).some((key) => next[key] !== current[key]);
  if (changed) await ctx.vault.write(JSON.parse(JSON.stringify(next)) as Json);
  return next;
}

function isSecrets(value: Json | null): value is Json & OfxCardSecrets {
  return typeof value === "object" && value !== null && !Array.isArray(value) && typeof value.clientUid === "string";
}

import { randomBytes } from "node:crypto";
import type { SimRecords } from "./sim-records.js";
import { simScenario } from "./sim-scenarios.js";

const USER_NAME = /^[A-Za-z0-9_.+-]{1,64}$/;

export type CreatedSetupToken = { token: string; user: string; scenario: string } | { error: string };

/**
 * A fresh setup token of the simulator: for `user` (a new one when absent) in `scenario`
 * (the user's current one, or "ok"). The token is the Base64 of the claim URL under `baseUrl`,
 * as a SimpleFIN server makes them. Both the simulator's /create page and bankgate's sandbox
 * control plane make tokens here.
 */
export async function createSetupToken(
  records: SimRecords,
  request: { baseUrl: string; now: Date; scenario?: string; user?: string },
): Promise<CreatedSetupToken> {
  const user = request.user ?? `user-${randomBytes(6).toString("hex")}`;
  if (!USER_NAME.test(user)) return { error: "user must be 1 to 64 letters, digits or _.+-" };
  if (request.scenario !== undefined && !simScenario(request.scenario)) return { error: `unknown scenario ${request.scenario}` };
  const existing = await records.user(user);
  const scenario = request.scenario ?? existing?.scenario ?? "ok";
  await records.saveUser({
    name: user,
    scenario,
    createdAt: existing?.createdAt ?? request.now.toISOString(),
    accessGeneration: existing?.accessGeneration ?? 0,
  });
  const tokenId = await records.createToken(user);
  return { token: Buffer.from(`${request.baseUrl}/claim/${tokenId}`, "utf8").toString("base64"), user, scenario };
}

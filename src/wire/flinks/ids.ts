import { ApiError } from "../../errors/api-error.js";
import { isUuid } from "../../lib/ids.js";

/** A RequestId from the wire. Malformed ids are answered exactly like unknown ones: nobody learns which ids exist. */
export function parseRequestId(raw: string): string {
  const id = raw.trim();
  if (!isUuid(id)) throw new ApiError("SESSION_NONEXISTENT");
  return id.toLowerCase();
}

/** A LoginId from the wire; malformed ones are unknown cards. */
export function parseLoginId(raw: string): string {
  const id = raw.trim();
  if (!isUuid(id)) throw new ApiError("INVALID_LOGIN");
  return id.toLowerCase();
}

import { type ErrorCode, errorCatalog, wireFlinksCode } from "../errors/catalog.js";
import type { Login } from "../records/login.js";
import { flinksTimestamp, wireLogin } from "../wire/flinks/wire-format.js";
import type { WebhookEvent } from "./webhook-event.js";

/**
 * A refresh of a saved card that failed (the nightly refresh meeting an MFA it cannot
 * answer, a locked login…): the app should bring the user back through Mid-Session
 * Reconnect. Flinks documents no body for it, so it joins the error body every Flinks
 * client parses (HttpStatusCode, FlinksCode, Message) with the fields of a
 * /GetNightlyRefreshStatus entry (docs/flinks-compatibility.md#getnightlyrefreshstatus) and the
 * card's Login.
 */
export function refreshFailedEvent(input: {
  login: Login;
  username: string;
  errorCode: ErrorCode;
  failedAt: Date;
  /** The RequestId of the failed refresh, when it had one. */
  requestId: string | null;
}): WebhookEvent {
  const { login, errorCode } = input;
  return {
    customerId: login.customerId,
    loginId: login.id,
    type: "RefreshFailed",
    body: {
      HttpStatusCode: errorCatalog[errorCode].httpStatus,
      FlinksCode: wireFlinksCode(errorCode),
      Message: errorCatalog[errorCode].message,
      Login: wireLogin(login, input.username),
      Institution: login.institution,
      RequestId: input.requestId,
      LoginId: login.id,
      LastRefreshDate: flinksTimestamp(input.failedAt),
      LastRefreshErrorCode: wireFlinksCode(errorCode),
    },
  };
}

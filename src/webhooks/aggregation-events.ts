import type { ConnectorRegistry } from "../connectors/registry.js";
import type { CardData } from "../records/card-data.js";
import { dataEnvelope } from "../wire/flinks/data-replies.js";
import { detailView } from "../wire/flinks/data-requests.js";
import { wireDetailAccount, wireHolder } from "../wire/flinks/wire-accounts.js";
import type { WebhookEvent } from "./webhook-event.js";

/**
 * The events of a completed aggregation, in Flinks' order
 * (https://docs.flinks.com/api/connect/webhooks): `KYC` (the holders, sent early by Flinks) then
 * `GetAccountsDetail`, the body a default /GetAccountsDetail of that RequestId answers (90 days,
 * everything included).
 */
export function aggregationEvents(connectors: ConnectorRegistry, data: CardData): WebhookEvent[] {
  const { snapshot } = data;
  const envelope = dataEnvelope(connectors, data);
  const view = detailView({ RequestId: data.session.requestId }, data);
  const customerId = data.session.customerId;
  const loginId = data.login.id;
  return [
    { customerId, loginId, type: "KYC", body: { HttpStatusCode: 200, Holders: [wireHolder(snapshot.holder)], ...envelope } },
    {
      customerId,
      loginId,
      type: "GetAccountsDetail",
      body: {
        HttpStatusCode: 200,
        Accounts: snapshot.accounts.map((account) => wireDetailAccount(account, snapshot.holder, snapshot.loginType, view)),
        ...envelope,
      },
    },
  ];
}

import { Type } from "typebox";
import { ApiError } from "../../errors/api-error.js";
import { parseLoginId } from "./authorize.js";
import type { FlinksRouteContext } from "./flinks-routes.js";

const Params = Type.Object({ customerId: Type.String(), loginId: Type.String() });

/** DELETE /DeleteCard/{loginId}: credentials, sessions and data of the card, all gone. */
export function registerDeleteCard({ app, services, hidden }: FlinksRouteContext): void {
  app.delete(
    "/DeleteCard/:loginId",
    { schema: { hide: hidden, tags: ["Cards"], summary: "Delete a card and everything about it", params: Params } },
    async function deleteCard(request) {
      const caller = await services.callerAuth.caller(request);
      services.callerAuth.assertServerCaller(caller);
      const loginId = parseLoginId(request.params.loginId);
      if (!(await services.cardData.deleteCard(caller.customer.id, loginId))) throw new ApiError("INVALID_LOGIN");
      return { HttpStatusCode: 200, Message: `All of the information about LoginId ${loginId} has been removed` };
    },
  );
}

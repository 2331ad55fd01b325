import { ApiError } from "../../errors/api-error.js";
import { deleteCardBody, LoginIdParams } from "../../wire/flinks/card-management.js";
import { parseLoginId } from "../../wire/flinks/ids.js";
import type { FlinksRoutes } from "./flinks-routes.js";

/** DELETE /DeleteCard/{loginId}: credentials, sessions and data of the card, all gone. */
export function registerDeleteCard({ app, services, hidden }: FlinksRoutes): void {
  app.delete(
    "/DeleteCard/:loginId",
    {
      schema: { hide: hidden, tags: ["Cards"], summary: "Delete a card and everything about it", params: LoginIdParams },
      config: { auth: "serverCaller" },
    },
    async function deleteCard(request) {
      const loginId = parseLoginId(request.params.loginId);
      if (!(await services.cardData.deleteCard(request.caller.customer.id, request.caller.scope, loginId)))
        throw new ApiError("INVALID_LOGIN");
      return deleteCardBody(loginId);
    },
  );
}

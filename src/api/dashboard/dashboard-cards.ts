import { Type } from "typebox";
import type { CardOverview } from "../../card-data/card-overview.js";
import type { CardStatements } from "../../card-data/card-statements.js";
import { ApiError } from "../../errors/api-error.js";
import type { ApiServices, TypedApp } from "../api-services.js";
import { NextRefresh } from "../sandbox/sandbox-cards.js";

const CardParams = Type.Object({ loginId: Type.String({ maxLength: 64 }) });
const Day = Type.String({ pattern: "^\\d{4}-\\d{2}-\\d{2}$" });
const TransactionQuery = Type.Object({
  search: Type.Optional(Type.String({ maxLength: 100 })),
  accountId: Type.Optional(Type.String({ maxLength: 64 })),
  from: Type.Optional(Day),
  to: Type.Optional(Day),
});

/** Cards: list, detail, the latest snapshot's transactions, DeleteCard and the sandbox's two levers. */
export function registerDashboardCards(app: TypedApp, services: ApiServices, cards: CardOverview, statements: CardStatements): void {
  const hide = { hide: true };

  app.get("/dashboard/api/cards", { schema: hide, config: { auth: "public" } }, async function dashboardCards(request) {
    return { cards: await cards.list(request.dashboardViewer.customerId) };
  });

  app.get(
    "/dashboard/api/cards/:loginId",
    { schema: { ...hide, params: CardParams }, config: { auth: "public" } },
    async function dashboardCard(request) {
      return cards.detail(request.dashboardViewer.customerId, request.params.loginId);
    },
  );

  app.get(
    "/dashboard/api/cards/:loginId/transactions",
    { schema: { ...hide, params: CardParams, querystring: TransactionQuery }, config: { auth: "public" } },
    async function dashboardTransactions(request) {
      return cards.transactions(request.dashboardViewer.customerId, request.params.loginId, request.query);
    },
  );

  app.get(
    "/dashboard/api/cards/:loginId/statements",
    { schema: { ...hide, params: CardParams }, config: { auth: "public" } },
    async function dashboardStatements(request) {
      return { statements: await statements.list(request.dashboardViewer.customerId, request.params.loginId) };
    },
  );

  app.get(
    "/dashboard/api/cards/:loginId/statements/:accountId/:month",
    {
      schema: {
        ...hide,
        params: Type.Object({
          ...CardParams.properties,
          accountId: Type.String({ maxLength: 64 }),
          month: Type.String({ pattern: "^\\d{4}-\\d{2}$" }),
        }),
      },
      config: { auth: "public" },
    },
    async function dashboardStatementPdf(request, reply) {
      const { loginId, accountId, month } = request.params;
      const { fileName, pdf } = await statements.pdf(request.dashboardViewer.customerId, loginId, accountId, month);
      // Opened in the browser's PDF viewer; private, like every dashboard answer (no-store).
      return reply
        .header("content-type", "application/pdf")
        .header("content-disposition", `inline; filename="${fileName}"`)
        .header("x-content-type-options", "nosniff")
        .send(pdf);
    },
  );

  app.delete(
    "/dashboard/api/cards/:loginId",
    { schema: { ...hide, params: CardParams }, config: { auth: "public" } },
    async function dashboardDeleteCard(request) {
      // The same DeleteCard as the Flinks route: the card, its sessions, data, vault and events.
      const deleted = await services.cardData.deleteCard(request.dashboardViewer.customerId, "customer", request.params.loginId);
      if (!deleted) throw new ApiError("INVALID_LOGIN");
      return { loginId: request.params.loginId, deleted: true };
    },
  );

  app.post(
    "/dashboard/api/cards/:loginId/reset",
    { schema: { ...hide, params: CardParams }, config: { auth: "public" } },
    async function dashboardResetCard(request) {
      const card = await sandboxOf(services).controls.resetCard(request.dashboardViewer.customerId, request.params.loginId);
      return { loginId: card.id, nextRefresh: null };
    },
  );

  app.put(
    "/dashboard/api/cards/:loginId/next-refresh",
    { schema: { ...hide, params: CardParams, body: NextRefresh }, config: { auth: "public" } },
    async function dashboardForceNextRefresh(request) {
      const card = await sandboxOf(services).controls.forceNextRefresh(
        request.dashboardViewer.customerId,
        request.params.loginId,
        request.body,
      );
      return { loginId: card.id, nextRefresh: request.body };
    },
  );
}

/** The sandbox control plane, or NOT_FOUND where it is off (its own routes are absent then too). */
export function sandboxOf(services: ApiServices): NonNullable<ApiServices["sandbox"]> {
  if (!services.sandbox) throw new ApiError("NOT_FOUND", {}, "The sandbox control plane is off on this server (BANKGATE_SANDBOX_CONTROL).");
  return services.sandbox;
}

import type { AccountsReplies } from "../../wire/flinks/data-replies.js";
import type { StatementsReplies } from "../../wire/flinks/statements-replies.js";
import type { ApiServices, TypedApp } from "../api-services.js";

/** What each Flinks route module receives. */
export interface FlinksRoutes {
  app: TypedApp;
  services: ApiServices;
  accounts: AccountsReplies;
  statements: StatementsReplies;
  /** The un-versioned twin of each route stays out of the OpenAPI document. */
  hidden: boolean;
}

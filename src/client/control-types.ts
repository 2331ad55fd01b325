import type { Static } from "typebox";
import type { SettingsBody, SettingsReply } from "../api/bankgate/customer-settings.js";
import type { InstitutionList } from "../api/bankgate/institutions.js";
import type { SessionSummary, SessionView } from "../api/bankgate/session-introspection.js";
import type { UsageQuery, UsageReply } from "../api/bankgate/usage.js";
import type { ConfigureBody, ConfigureReply, DeliveriesReply, ReplayReply } from "../api/bankgate/webhooks.js";
import type { CardReply, NextRefresh } from "../api/sandbox/sandbox-cards.js";
import type { AdvanceBody, ClockState } from "../api/sandbox/sandbox-clock.js";
import type { SetupTokenBody, SetupTokenReply } from "../api/sandbox/sandbox-simplefin.js";
import type { ScenarioScriptSchema } from "../connectors/sandbox/scenario-script.js";

/**
 * The request and answer types of the control plane (src/api/sandbox/) and of bankgate's own
 * endpoints (src/api/bankgate/), each `Static` of the schema its route validates with.
 */

export type SandboxClock = Static<typeof ClockState>;
export type ClockAdvance = Static<typeof AdvanceBody>;
export type NextRefreshOutcome = Static<typeof NextRefresh>;
export type SandboxCard = Static<typeof CardReply>;
export type ScenarioScript = Static<typeof ScenarioScriptSchema>;
export type SetupTokenRequest = Static<typeof SetupTokenBody>;
export type SetupToken = Static<typeof SetupTokenReply>;
export type SessionSummaryView = Static<typeof SessionSummary>;
export type SessionDetails = Static<typeof SessionView>;
export type Institutions = Static<typeof InstitutionList>;
export type UsageRange = Static<typeof UsageQuery>;
export type Usage = Static<typeof UsageReply>;
export type WebhookSettingsRequest = Static<typeof ConfigureBody>;
export type WebhookSettings = Static<typeof ConfigureReply>;
export type WebhookDeliveries = Static<typeof DeliveriesReply>;
export type WebhookReplay = Static<typeof ReplayReply>;
export type CustomerSettingsRequest = Static<typeof SettingsBody>;
export type CustomerSettings = Static<typeof SettingsReply>;

// Page-side types of the agents' health and connection-log endpoints (hub/Norsjo.Retail.Hub/Api/AgentHealthApi.cs).

/** The agent's latest health report (AgentHealth/AgentHealthStore.cs, AgentHealthView). */
export interface AgentHealthView {
  storeId: string; agentVersion: string; measured: string; queueItems: number; queueCapacity: number; oldestItemAgeSeconds: number;
  lastUpload: string | null; refused: number; damagedItems: number; errorFiles: number; errorLines: number; failedAttempts: number;
  lastFailure: string | null; lastFailureStatus: string; received: string; lastHeartbeat: string | null; lastBatch: string | null;
}

/** /api/admin/agent-health: state is sends, cannotUpload, silent or closed; stateText the Swedish word. */
export interface AgentHealthRow { storeId: string; name: string; village: string; state: string; stateText: string; lastUpload: string | null; health: AgentHealthView | null }

/** /api/municipality/connection: one village and month; the figures are null when held back. */
export interface VillageConnectionMonth {
  village: string; month: string; shops: number; shopDays: number; shown: boolean; heldBack: string | null;
  offlineMinutesPerDay: number | null; offlineShare: number | null; longestOutageMinutes: number | null; roundTripMedianMs: number | null; roundTripP95Ms: number | null;
}

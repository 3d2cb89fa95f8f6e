import type { OperationOutcome } from "./ports.ts";

/**
 * The EMF metrics idp-sync emits (namespace `idp-sync`, dimension `service`, and `provider` for the
 * per-provider ones). The stack's alarms and dashboard read these names, so they live in one place.
 */
export const metricNamespace = "idp-sync";

export const syncMetricNames = {
  received: "ChangesReceived",
  retried: "ChangesRetried",
  deadLettered: "ChangesDeadLettered",
  /** Per provider: operations by outcome (`Operations_applied`, `Operations_retry`, `Operations_rejected`). */
  operations: (result: OperationOutcome["result"]) => `Operations_${result}`,
  /** Per provider: leavers the deprovisioning guard held. */
  held: "DeprovisioningHeld",
  /** Per provider and applied operation: ms from the change's `at` (its time at the source) to applied. */
  latency: "ChangeLatencyMs",
} as const;

/** Per provider, emitted by reconcile: what differed, what it repaired, users only the provider has. */
export const reconcileMetricNames = ["ReconcileDrift", "ReconcileRepaired", "ReconcileOrphans"] as const;

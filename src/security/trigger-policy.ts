import type { PermissionLevel } from "../github/github-gateway.js";

/** Who may ask Orchestrator for work: people with write access or more. Bots never (they could loop). */
export const triggerPermissions: readonly PermissionLevel[] = ["write", "maintain", "admin"];

export type TriggerDecision = { readonly allowed: true } | { readonly allowed: false; readonly reason: "bot" | "permission" };

export function decideTrigger(sender: { readonly type: string }, permission: PermissionLevel | null): TriggerDecision {
  if (sender.type === "Bot") return { allowed: false, reason: "bot" };
  if (permission === null || !triggerPermissions.includes(permission)) return { allowed: false, reason: "permission" };
  return { allowed: true };
}

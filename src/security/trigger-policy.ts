import type { PermissionLevel } from "../github/github-gateway.js";

/**
 * Who may ask Orchestrator for work: people with write access or more. Bots never (they could
 * loop), unless the repository lists them in `trust.allow_bots`.
 */
export const triggerPermissions: readonly PermissionLevel[] = ["write", "maintain", "admin"];

export type TriggerDecision = { readonly allowed: true } | { readonly allowed: false; readonly reason: "bot" | "permission" };

export function decideTrigger(sender: { readonly type: string; readonly login?: string }, permission: PermissionLevel | null, allowBots: readonly string[] = []): TriggerDecision {
  if (sender.type === "Bot") {
    const login = sender.login?.toLowerCase();
    return login !== undefined && allowBots.some((b) => b.toLowerCase() === login) ? { allowed: true } : { allowed: false, reason: "bot" };
  }
  if (permission === null || !triggerPermissions.includes(permission)) return { allowed: false, reason: "permission" };
  return { allowed: true };
}

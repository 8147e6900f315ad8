import type { PermissionLevel } from "../github/github-gateway.js";

/**
 * Who may ask Orchestrator for work: people with write access or more. Bots never (they could
 * loop), unless the repository lists them in `trust.allow_bots`.
 */
export const triggerPermissions: readonly PermissionLevel[] = ["write", "maintain", "admin"];

export type TriggerDecision = { readonly allowed: true } | { readonly allowed: false; readonly reason: "bot" | "permission" };

/** A bot the repository trusts by name (`trust.allow_bots`); Orchestrator's own bot never, so it cannot loop on itself. */
export function isTrustedBot(login: string, allowBots: readonly string[], ownSlug?: string): boolean {
  const name = login.toLowerCase();
  if (ownSlug !== undefined && (name === ownSlug.toLowerCase() || name === `${ownSlug.toLowerCase()}[bot]`)) return false;
  return allowBots.some((b) => b.toLowerCase() === name);
}

export function decideTrigger(sender: { readonly type: string; readonly login?: string }, permission: PermissionLevel | null, allowBots: readonly string[] = []): TriggerDecision {
  if (sender.type === "Bot") return sender.login !== undefined && isTrustedBot(sender.login, allowBots) ? { allowed: true } : { allowed: false, reason: "bot" };
  if (permission === null || !triggerPermissions.includes(permission)) return { allowed: false, reason: "permission" };
  return { allowed: true };
}

import type { RequestView } from "./chat-request.js";
import type { LlmMatch } from "./script.js";

/** True when every criterion given in `match` holds for the request; no criteria match everything. */
export function matchesRequest(match: LlmMatch | undefined, view: RequestView): boolean {
  if (match === undefined) return true;
  if (match.provider !== undefined && match.provider !== view.provider) return false;
  if (match.model !== undefined && !view.model.includes(match.model)) return false;
  if (match.tool !== undefined && !view.tools.includes(match.tool)) return false;
  if (match.system !== undefined && !view.system.includes(match.system)) return false;
  if (match.text !== undefined && !view.lastUserText.includes(match.text)) return false;
  return true;
}

import type { SimChange } from "./sim-changes.js";
import type { SimPull, SimRepo, SimUser } from "./sim-model.js";
import { SimError } from "./sim-world.js";
import type { SimWorld } from "./sim-world.js";

/**
 * Takes an open draft out of draft and announces `pull_request.ready_for_review`. A pull request
 * that is already ready stays as it is and nothing is announced, as on GitHub.
 */
export function markReadyForReview(world: SimWorld, repo: SimRepo, pull: SimPull, by: SimUser, emit: (change: SimChange) => void): void {
  if (pull.state !== "open") throw new SimError(`#${pull.number} is closed; only an open pull request can be marked ready for review.`);
  if (!pull.draft) return;
  pull.draft = false;
  pull.updatedAt = world.now();
  emit({ kind: "pull_request", action: "ready_for_review", repo, pull, sender: by });
}

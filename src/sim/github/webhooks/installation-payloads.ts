import type { SimApp, SimInstallation, SimRepo, SimUrls, SimUser } from "../sim-model.js";
import { installationView } from "../views/app-views.js";
import { userView } from "../views/user-views.js";
import { fullName, nodeId } from "../views/view-urls.js";

/**
 * `installation` / `created`. Unlike other deliveries it carries the whole installation (whose
 * webhook schema has no node_id) rather than the `{ id, node_id }` reference.
 */
export function installationCreatedPayload(
  urls: SimUrls,
  input: { readonly installation: SimInstallation; readonly app: SimApp; readonly repos: readonly SimRepo[]; readonly sender: SimUser; readonly repositorySelection?: "all" | "selected" },
) {
  return {
    action: "created" as const,
    installation: installationView(urls, input.installation, input.app, input.repositorySelection),
    repositories: input.repos.map((repo) => ({ id: repo.id, node_id: nodeId("Repository", repo.id), name: repo.name, full_name: fullName(repo), private: repo.private })),
    sender: userView(urls, input.sender),
  };
}

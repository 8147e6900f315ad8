import type { SimInstallation, SimRepo, SimUrls, SimUser } from "../sim-model.js";
import { installationNodeId } from "../views/app-views.js";
import { repositoryView } from "../views/repo-views.js";
import { userView } from "../views/user-views.js";

/** Who a delivery is about and for: every repository event carries these three. */
export interface DeliveryContext {
  readonly repo: SimRepo;
  readonly sender: SimUser;
  readonly installation: SimInstallation;
}

/**
 * A webhook `repository`. It allows every field of the REST `repository` view and additionally
 * requires `custom_properties`, which REST leaves out of nested repositories.
 */
export function webhookRepository(urls: SimUrls, repo: SimRepo) {
  return { ...repositoryView(urls, repo), custom_properties: {} };
}

/** `installation-lite`: the reference to the installation that every app delivery carries. */
export function installationLite(installation: SimInstallation) {
  return { id: installation.id, node_id: installationNodeId(installation) };
}

/** The `repository`, `installation` and `sender` every repository event ends with. */
export function deliveryEnvelope(urls: SimUrls, context: DeliveryContext) {
  return {
    repository: webhookRepository(urls, context.repo),
    installation: installationLite(context.installation),
    sender: userView(urls, context.sender),
  };
}

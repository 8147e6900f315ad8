import type { SimApp, SimInstallation, SimUrls } from "../sim-model.js";
import { userView } from "./user-views.js";
import { nodeId } from "./view-urls.js";

/**
 * The app's homepage. The model keeps none, so it is the app's page on the simulator; GitHub also
 * uses it as a check run's `details_url` when the app gives none.
 */
export function appHomepage(urls: SimUrls, app: SimApp): string {
  return `${urls.web}/apps/${encodeURIComponent(app.slug)}`;
}

/** `integration`; its fields are exactly a webhook `app`'s, so check payloads reuse it. */
export function integrationView(urls: SimUrls, app: SimApp) {
  return {
    id: app.id,
    slug: app.slug,
    node_id: nodeId("App", app.id),
    owner: userView(urls, app.owner),
    name: app.name,
    description: null,
    external_url: appHomepage(urls, app),
    html_url: appHomepage(urls, app),
    created_at: app.createdAt,
    // The model keeps no separate update time for an app.
    updated_at: app.createdAt,
    permissions: { ...app.permissions },
    events: [...app.events],
  };
}

export function installationNodeId(installation: SimInstallation): string {
  return nodeId("IntegrationInstallation", installation.id);
}

/**
 * `installation`; also valid as a webhook `installation` (installation.created). The model does not
 * record which repositories were granted, so `repositorySelection` defaults to "all".
 */
export function installationView(urls: SimUrls, installation: SimInstallation, app: SimApp, repositorySelection: "all" | "selected" = "all") {
  const account = installation.account;
  const settings = account.type === "Organization" ? `${urls.web}/organizations/${encodeURIComponent(account.login)}/settings` : `${urls.web}/settings`;
  return {
    id: installation.id,
    account: userView(urls, account),
    repository_selection: repositorySelection,
    access_tokens_url: `${urls.api}/app/installations/${installation.id}/access_tokens`,
    repositories_url: `${urls.api}/installation/repositories`,
    html_url: `${settings}/installations/${installation.id}`,
    app_id: app.id,
    app_slug: app.slug,
    target_id: account.id,
    target_type: account.type,
    permissions: { ...app.permissions },
    events: [...app.events],
    created_at: installation.createdAt,
    updated_at: installation.createdAt,
    single_file_name: null,
    has_multiple_single_files: false,
    single_file_paths: [] as string[],
    suspended_by: null,
    suspended_at: null,
  };
}

/** `installation-token` (apps/create-installation-access-token); `permissions` when the route knows them. */
export function installationTokenView(token: string, expiresAt: string, permissions?: Readonly<Record<string, "read" | "write">>) {
  return { token, expires_at: expiresAt, ...(permissions === undefined ? {} : { permissions: { ...permissions } }) };
}

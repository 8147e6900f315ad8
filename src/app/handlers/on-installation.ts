import { deleteInstallation, setInstallationSuspended, upsertInstallation } from "../../store/installations.js";
import { installationEventSchema } from "../webhook-payloads.js";
import type { WebhookHandler } from "./handler-types.js";

export const onInstallation: WebhookHandler = (raw, { db, now }) => {
  const payload = installationEventSchema.parse(raw);
  const { id, account } = payload.installation;
  switch (payload.action) {
    case "deleted":
      deleteInstallation(db, id);
      break;
    case "suspend":
      setInstallationSuspended(db, id, now, now);
      break;
    case "unsuspend":
      setInstallationSuspended(db, id, null, now);
      break;
    case "created":
    case "new_permissions_accepted":
      if (account) upsertInstallation(db, { id, accountLogin: account.login, accountType: account.type }, now);
      break;
  }
  return { outcome: `installation:${payload.action}` };
};

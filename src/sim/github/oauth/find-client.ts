import type { SimApp } from "../sim-model.js";
import type { SimWorld } from "../sim-world.js";

/** The app whose OAuth client id this is. */
export function findClient(world: SimWorld, clientId: string | null): SimApp | undefined {
  if (clientId === null || clientId === "") return undefined;
  return [...world.apps.values()].find((app) => app.clientId === clientId);
}

import { verify } from "node:crypto";
import { z } from "zod";
import type { SimApp } from "./sim-model.js";
import type { SimWorld } from "./sim-world.js";

const headerSchema = z.object({ alg: z.literal("RS256") });
const payloadSchema = z.object({ iss: z.union([z.string(), z.number()]), iat: z.number(), exp: z.number() });

/**
 * Checks an app's JWT as GitHub does: RS256, signed with the app's private key, issued by the app
 * id, expiring at most ten minutes after it was issued. Returns the app, or why it is refused.
 */
export function verifyAppJwt(world: SimWorld, token: string): { app: SimApp } | { error: string } {
  const parts = token.split(".");
  if (parts.length !== 3) return { error: "A JSON web token could not be decoded" };
  const [rawHeader = "", rawPayload = "", rawSignature = ""] = parts;
  const decode = (part: string): unknown => {
    try {
      return JSON.parse(Buffer.from(part, "base64url").toString("utf8"));
    } catch {
      return undefined;
    }
  };
  const header = headerSchema.safeParse(decode(rawHeader));
  const payload = payloadSchema.safeParse(decode(rawPayload));
  if (!header.success || !payload.success) return { error: "A JSON web token could not be decoded" };
  const app = world.apps.get(Number(payload.data.iss));
  if (!app?.publicKey) return { error: `Integration not found for iss ${String(payload.data.iss)}` };
  const signed = verify("RSA-SHA256", Buffer.from(`${rawHeader}.${rawPayload}`), app.publicKey, Buffer.from(rawSignature, "base64url"));
  if (!signed) return { error: "A JSON web token could not be decoded" };
  const now = Math.floor(world.nowMs() / 1000);
  if (payload.data.exp <= now) return { error: "'Expiration time' claim ('exp') must be a numeric value representing the future time at which the assertion expires" };
  if (payload.data.iat > now + 60) return { error: "'Issued at' claim ('iat') must be an Integer representing the time that the assertion was issued" };
  if (payload.data.exp - payload.data.iat > 600) return { error: "'Expiration time' claim ('exp') is too far in the future" };
  return { app };
}

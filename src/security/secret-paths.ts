import picomatch from "picomatch";

/**
 * Files that hold credentials by their name. Their content is never shown to a model and an agent
 * may not write them; matched without regard to case, as checkouts on macOS and Windows do.
 */
export const secretPathPatterns: readonly string[] = [
  "**/.env*",
  "**/*.pem",
  "**/*.key",
  "**/*.p12",
  "**/*.pfx",
  "**/id_rsa*",
  "**/id_ed25519*",
  "**/.npmrc",
  "**/.pypirc",
  "**/.netrc",
  "**/credentials.json",
];

const matchesSecret = picomatch([...secretPathPatterns], { dot: true, nocase: true });

export function isSecretPath(path: string): boolean {
  return matchesSecret(path);
}

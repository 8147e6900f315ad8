/**
 * Bundles the quality-gate Action (dist/action/index.js) and the `orchestrator` command's gate
 * (dist/cli/gate.js) with esbuild: one file each, every dependency inside, for the Actions Node
 * runtime and Node 20. The bundles are committed (an Action runs from the repository as it is);
 * a test rebuilds them and fails when the committed ones are stale.
 *
 *   npx tsx scripts/build-dist.ts [OUTDIR]
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");

/** ESM bundles that still carry CommonJS dependencies need `require`; this gives them one. */
const banner = `import { createRequire as __orchestratorCreateRequire } from "node:module"; const require = __orchestratorCreateRequire(import.meta.url);`;

export const bundles = [
  { entry: "src/action/main.ts", out: "action/index.js" },
  { entry: "src/cli/gate-main.ts", out: "cli/gate.js" },
] as const;

export async function buildDist(outDir: string): Promise<string[]> {
  const written: string[] = [];
  for (const bundle of bundles) {
    const result = await build({
      entryPoints: [join(root, bundle.entry)],
      bundle: true,
      platform: "node",
      format: "esm",
      target: "node20",
      banner: { js: banner },
      legalComments: "none",
      write: false,
      logLevel: "silent",
    });
    const file = join(outDir, bundle.out);
    mkdirSync(dirname(file), { recursive: true });
    const text = result.outputFiles[0]?.text ?? "";
    writeFileSync(file, text.startsWith("#!") ? text : bundle.out.startsWith("cli/") ? `#!/usr/bin/env node\n${text}` : text);
    written.push(file);
  }
  return written;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const outDir = resolve(process.argv[2] ?? join(root, "dist"));
  const files = await buildDist(outDir);
  for (const file of files) console.log(`wrote ${file}`);
}

// @ts-check
import eslint from "@eslint/js";
import { defineConfig } from "eslint/config";
import tseslint from "typescript-eslint";

export default defineConfig(
  { ignores: ["node_modules/", "lib/", "dist/", "coverage/", "fixtures/repos/"] },
  eslint.configs.recommended,
  tseslint.configs.strictTypeChecked,
  tseslint.configs.stylisticTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: { allowDefaultProject: ["eslint.config.js", "bin/orchestrator.js"] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      "@typescript-eslint/restrict-template-expressions": ["error", { allowNumber: true, allowBoolean: true }],
      "@typescript-eslint/consistent-type-imports": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/switch-exhaustiveness-check": "error",
      "no-console": "off",
      eqeqeq: ["error", "always"],
    },
  },
  {
    // The `orchestrator` launcher is plain JavaScript for Node.
    files: ["bin/**/*.js"],
    languageOptions: { globals: { process: "readonly" } },
  },
  {
    // Production code never reaches into the simulators (see docs/ARCHITECTURE.md).
    files: ["src/**/*.ts"],
    ignores: ["src/sim/**", "src/cli/**"],
    rules: {
      "no-restricted-imports": ["error", { patterns: [{ group: ["**/sim/**"], message: "Production code must not import the simulators." }] }],
    },
  },
);

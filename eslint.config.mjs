// ESLint (flat config): typescript-eslint's recommended type-checked rules over the TypeScript sources and tests, the
// recommended rules over the JavaScript of the benchmark, the scripts and the editor's resources. Formatting is
// Prettier's (`npm run format`), so no rule here is about layout.
import js from "@eslint/js";
import prettier from "eslint-config-prettier";
import globals from "globals";
import tseslint from "typescript-eslint";

export default tseslint.config(
    { ignores: ["dist/", "node_modules/", ".compat/", ".node-red/", "artifacts/", "bench/results/", "coverage/"] },
    {
        files: ["**/*.ts"],
        extends: [js.configs.recommended, ...tseslint.configs.recommendedTypeChecked],
        languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
        rules: {
            // `const node = this` in a node's constructor: Node-RED's own idiom, for the handlers it registers.
            "@typescript-eslint/no-this-alias": ["error", { allowedNames: ["node"] }],
            // `import x = require("...")`: how CommonJS TypeScript imports a module that says `export =` (a node module).
            "@typescript-eslint/no-require-imports": ["error", { allowAsImport: true }],
            // A property left out of a copy (`const { removed: _removed, ...rest } = record`) is named with `_`.
            "@typescript-eslint/no-unused-vars": ["error", { ignoreRestSiblings: true, varsIgnorePattern: "^_", argsIgnorePattern: "^_" }],
        },
    },
    {
        files: ["**/*.js", "**/*.mjs"],
        extends: [js.configs.recommended],
        languageOptions: { globals: globals.node, sourceType: "commonjs" },
    },
    { files: ["**/*.mjs"], languageOptions: { sourceType: "module" } },
    {
        files: ["resources/**/*.js"],
        languageOptions: { globals: { ...globals.browser, RED: "readonly", $: "readonly", jQuery: "readonly" }, sourceType: "script" },
    },
    {
        // Scripts that drive the editor in chromium: what they hand to `editor.evaluate()` runs in the page.
        files: ["bench/doors-sidebar.js", "scripts/screenshot*.js"],
        languageOptions: { globals: { ...globals.browser, RED: "readonly" } },
    },
    { linterOptions: { reportUnusedDisableDirectives: "error" } },
    prettier,
);

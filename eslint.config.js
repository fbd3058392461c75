// @ts-check
import js from "@eslint/js";
import prettier from "eslint-config-prettier";
import tseslint from "typescript-eslint";

export default tseslint.config(
  {
    ignores: ["dist/**", "lib/**", "packages/*/dist/**", "coverage/**", "test-artifacts/**", ".ci/node/**"],
  },
  {
    files: ["**/*.{ts,tsx,mts,js,mjs}"],
    extends: [js.configs.recommended, ...tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      parserOptions: {
        // Each file is checked against its nearest tsconfig (the console has its own).
        projectService: true,
        tsconfigRootDir: import.meta.dirname,
      },
    },
    linterOptions: { reportUnusedDisableDirectives: "error" },
    rules: {
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/await-thenable": "error",
      "@typescript-eslint/no-unnecessary-type-assertion": "error",
      "@typescript-eslint/consistent-type-imports": ["error", { fixStyle: "inline-type-imports" }],
      "@typescript-eslint/switch-exhaustiveness-check": ["error", { considerDefaultExhaustiveForUnions: true }],
      // A variable a closure reads before its single assignment cannot be const.
      "prefer-const": ["error", { ignoreReadBeforeAssign: true }],
      // Preact ignores what an event handler returns; the console's async handlers report their own failures.
      "@typescript-eslint/no-misused-promises": ["error", { checksVoidReturn: { attributes: false } }],
      // A leading underscore marks a parameter an interface requires, or a property left out by a rest pattern.
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", ignoreRestSiblings: true }],
      // Many async functions implement a port whose other implementations await; requiring an await adds noise only.
      "@typescript-eslint/require-await": "off",
      // Untrusted input of unknown shape is stringified on purpose to quote it in an error message.
      "@typescript-eslint/no-base-to-string": "off",
      // Not yet clean: JSON bodies, SQL rows and the console's API are typed `any` in places, so the
      // no-unsafe-* family would flag every use of them. Turn these on as those types are declared.
      "@typescript-eslint/no-explicit-any": "off",
      "@typescript-eslint/no-unsafe-argument": "off",
      "@typescript-eslint/no-unsafe-assignment": "off",
      "@typescript-eslint/no-unsafe-call": "off",
      "@typescript-eslint/no-unsafe-member-access": "off",
      "@typescript-eslint/no-unsafe-return": "off",
    },
  },
  {
    // Plain JavaScript outside any tsconfig: syntax rules only.
    files: ["**/*.{js,mjs}"],
    extends: [tseslint.configs.disableTypeChecked],
    languageOptions: { globals: { process: "readonly", console: "readonly", URL: "readonly" } },
  },
  prettier,
);

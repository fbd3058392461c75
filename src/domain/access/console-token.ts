import type { Caller } from "./caller.ts";

/**
 * The label of the page tokens the developer console's session hands out. The label is reserved:
 * reads made with such a token are the sandbox's own inspection, not an integration's traffic.
 */
export const CONSOLE_TOKEN_LABEL = "console";

export const isConsoleCaller = (caller: Caller): boolean => caller.token?.label === CONSOLE_TOKEN_LABEL;

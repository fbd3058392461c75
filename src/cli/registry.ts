import type { Command } from "commander";
import { tokenCommand } from "./commands/token.ts";

/** Commands later issues add (token, trigger, webhooks, listen, export, clock, import, sync…). */
export const extraCommands: (() => Command)[] = [
  () => tokenCommand(),
];

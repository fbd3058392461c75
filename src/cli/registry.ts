import type { Command } from "commander";

/** Commands later issues add (token, trigger, webhooks, listen, export, clock, import, sync…). */
export const extraCommands: (() => Command)[] = [];

import type { Command } from "commander";
import { importCommand } from "./commands/import.ts";
import { triggerCommand } from "./commands/trigger.ts";

/** Commands later issues add (token, trigger, webhooks, listen, export, clock, import, sync…). */
export const extraCommands: (() => Command)[] = [];
extraCommands.push(triggerCommand, importCommand);

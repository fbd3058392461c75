import type { Command } from "commander";
import { clockCommand } from "./commands/clock.ts";
import { exportCommand } from "./commands/export.ts";
import { limitsCommand } from "./commands/limits.ts";

/** Commands later issues add (token, trigger, webhooks, listen, export, clock, import, sync…). */
export const extraCommands: (() => Command)[] = [];
extraCommands.push(exportCommand, clockCommand, limitsCommand);

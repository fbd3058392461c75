import type { Command } from "commander";
import { syncCommand } from "./commands/sync.ts";

/** Commands later issues add (token, trigger, webhooks, listen, export, clock, import, sync…). */
export const extraCommands: (() => Command)[] = [syncCommand];

import type { Command } from "commander";
import { tokenCommand } from "./commands/token.ts";
import { listenCommand } from "./webhooks/listen-command.ts";
import { webhooksCommand } from "./webhooks/webhooks-command.ts";

/** Commands later issues add (token, trigger, webhooks, listen, export, clock, import, sync…). */
export const extraCommands: (() => Command)[] = [
  () => tokenCommand(),
  webhooksCommand,
  listenCommand,
];

import type { Command } from "commander";
import { clockCommand } from "./commands/clock.ts";
import { interceptCommand } from "./commands/serve.ts";
import { exportCommand } from "./commands/export.ts";
import { importCommand } from "./commands/import.ts";
import { leadsCommand } from "./commands/leads.ts";
import { limitsCommand } from "./commands/limits.ts";
import { syncCommand } from "./commands/sync.ts";
import { tokenCommand } from "./commands/token.ts";
import { triggerCommand } from "./commands/trigger.ts";
import { listenCommand } from "./webhooks/listen-command.ts";
import { webhooksCommand } from "./webhooks/webhooks-command.ts";

/** Commands beyond serve/seed/migrate, one factory each. */
export const extraCommands: (() => Command)[] = [
  () => tokenCommand(),
  triggerCommand,
  importCommand,
  webhooksCommand,
  listenCommand,
  exportCommand,
  clockCommand,
  limitsCommand,
  syncCommand,
  interceptCommand,
  leadsCommand,
];

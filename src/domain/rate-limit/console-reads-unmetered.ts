import { isConsoleCaller } from "../access/console-token.ts";
import type { LeadReadMeter } from "./meter.ts";

/**
 * Lets the developer console read leads without spending any page's lead budget: looking at a
 * sandbox must not change the very limits a user is testing. Every other caller goes to `meter`.
 */
export function exemptConsoleReads(meter: LeadReadMeter): LeadReadMeter {
  return {
    charge: (caller, pageId, calls, report) => (isConsoleCaller(caller) ? Promise.resolve() : meter.charge(caller, pageId, calls, report)),
    ...(meter.settle ? { settle: (pageId?: string) => meter.settle!(pageId) } : {}),
    ...(meter.forget ? { forget: (pageId?: string) => meter.forget!(pageId) } : {}),
  };
}

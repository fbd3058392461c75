import { z } from "zod";
import { PAGE_TASKS } from "../domain/access/page-tasks.ts";

/** Shared pieces of the admin API's input schemas (the world file's vocabulary). */
export const numericId = z.string().regex(/^\d{1,20}$/, 'must be a numeric id string such as "1001"');
export const adAccountId = z.string().regex(/^act_\d{1,20}$/, 'must look like "act_4001"');
export const timeInput = z.union([z.number().int().nonnegative(), z.string()]);
export const appRoleName = z.enum(["administrator", "developer", "tester"]);
export const adAccountRoleName = z.enum(["ADMIN", "ADVERTISER", "ANALYST"]);
export const pageTask = z.enum(PAGE_TASKS);
export const tasksInput = z.array(pageTask).min(1, "must name at least one task");
export const strict = <T extends z.ZodRawShape>(shape: T) => z.object(shape).strict();

/** Stored names and labels: long enough for any real one, short enough that listing them stays cheap. */
export const MAX_NAME_LENGTH = 256;
export const nameText = z.string().min(1).max(MAX_NAME_LENGTH, `must be at most ${MAX_NAME_LENGTH} characters`);
/** Other short stored text (address parts, categories, store numbers). */
export const shortText = z.string().max(MAX_NAME_LENGTH, `must be at most ${MAX_NAME_LENGTH} characters`);

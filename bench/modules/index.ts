import type { BenchModule } from "../bench-module.ts";
import { bulkRead } from "./bulk-read.ts";
import { deepPage } from "./deep-page.ts";
import { singleGet } from "./single-get.ts";

/** Every benchmark `npm run bench` runs, in order. Add yours here (one file per benchmark). */
export const benchModules: BenchModule[] = [bulkRead, singleGet, deepPage];

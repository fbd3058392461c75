/**
 * SQL texts whose plan PostgreSQL may keep and reuse (dialects/postgres/named-statements.ts): the
 * queries compiled once (PreparedQuery, executeShaped) and the one-statement lead write. Their best
 * plan does not depend on the values bound: primary-key lookups, fixed-shape inserts, a function
 * call. Queries whose plan does (filters, IN lists) are not listed: a plan made for no values in
 * particular chose badly for them (an IN list of 500 external ids ran 40× slower from a kept plan
 * than planned afresh). The set only grows by the fixed shapes of this code.
 */
const texts = new Set<string>();

export const keepPlanFor = (text: string): void => {
  texts.add(text);
};

export const planMayBeKept = (text: string): boolean => texts.has(text);

/** Page tasks as Meta names them; a role is a set of tasks. */
export const PAGE_TASKS = [
  "MANAGE",
  "CREATE_CONTENT",
  "MODERATE",
  "ADVERTISE",
  "ANALYZE",
  "MANAGE_LEADS",
  "MESSAGING",
  "MODERATE_COMMUNITY",
  "PAGES_MESSAGING",
  "PAGES_MESSAGING_SUBSCRIPTIONS",
  "CASHIER_ROLE",
  "GLOBAL_STRUCTURE_MANAGEMENT",
  "MANAGE_JOBS",
  "PROFILE_PLUS_MANAGE_LEADS",
] as const;
export type PageTask = (typeof PAGE_TASKS)[number];

export const AD_ACCOUNT_ROLES = ["ADMIN", "ADVERTISER", "ANALYST"] as const;

/** Roles at or above ADVERTISER see ad-level lead fields. */
export const isAdvertiserOrAbove = (role: string): boolean => role === "ADMIN" || role === "ADVERTISER";

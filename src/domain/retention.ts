/** Leads can be retrieved for 90 days from submission; after that no read returns them. */
export const RETENTION_SECONDS = 90 * 86_400;

/** The oldest created_time still readable at `now` (inclusive). */
export const retentionFloor = (nowSeconds: number): number => nowSeconds - RETENTION_SECONDS;

export const isExpired = (createdTime: number, nowSeconds: number): boolean => createdTime < retentionFloor(nowSeconds);

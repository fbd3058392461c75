import type { AppRecord, TokenRecord, TokenType } from "../model.ts";

/** Who is calling: the resolved, valid token and what it stands for. */
export interface Caller {
  type: TokenType;
  app: AppRecord;
  /** The token row; undefined for the literal `APP_ID|APP_SECRET` app token. */
  token: TokenRecord | undefined;
  userId: string | null;
  pageId: string | null;
  scopes: ReadonlySet<string>;
}

export const hasScope = (caller: Caller, scope: string): boolean => caller.scopes.has(scope);

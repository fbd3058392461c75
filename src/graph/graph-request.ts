import type { Params } from "./params.ts";

export type GraphMethod = "GET" | "POST" | "DELETE";

export interface GraphRequest {
  method: GraphMethod;
  /** Path without the version prefix and surrounding slashes: `123/leads`, `me`, `` (root). */
  path: string;
  params: Params;
  version: string;
  token: string | undefined;
  appsecretProof: string | undefined;
  /** The client's address, where a rule counts attempts per address (oauth/access_token's client_secret). */
  clientAddress?: string;
}

export interface GraphResponse {
  status: number;
  body: unknown;
  /** Headers beyond the standard ones (usage headers, WWW-Authenticate…). */
  headers: Record<string, string>;
}

export interface GraphOptions {
  publicUrl: string;
  defaultVersion: string;
}

/** Hooks the Graph surface offers for things that wrap every request (batch, multi-id). */
export interface GraphExecutor {
  execute(req: GraphRequest): Promise<GraphResponse>;
}

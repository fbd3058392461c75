import type { ObjectKind } from "../../domain/ports.ts";
import type { GraphNode } from "../graph-node.ts";
import { adNode } from "./ad-node.ts";
import { appNode } from "./app-node.ts";
import { formNode } from "./form-node.ts";
import { leadNode } from "./lead-node.ts";
import { pageNode } from "./page-node.ts";
import { userNode } from "./user-node.ts";

/** Node types the Graph surface serves, by the kind of object an id names. */
export const nodes: Partial<Record<ObjectKind, GraphNode<any>>> = {
  lead: leadNode,
  form: formNode,
  page: pageNode,
  ad: adNode,
  user: userNode,
  app: appNode,
};

/** The Meta hosts a lead integration calls, which interception mode answers for. */
export const META_HOSTS: readonly string[] = ["graph.facebook.com", "www.facebook.com", "graph-video.facebook.com"];

/** The base of absolute Graph links in interception mode: clients follow them back through the proxy. */
export const INTERCEPTED_GRAPH_URL = "https://graph.facebook.com";

export const isMetaHost = (host: string): boolean => META_HOSTS.includes(host.toLowerCase());

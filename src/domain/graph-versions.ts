/**
 * The Graph API versions Meta has published, with the day each appeared and the day it stopped
 * being served (Meta's changelog, "Available Graph API versions"). `until: null` is Meta's "TBD".
 */
export const GRAPH_VERSIONS: readonly { version: string; introduced: string; until: string | null }[] = [
  { version: "v27.0", introduced: "2026-11-04", until: null },
  { version: "v26.0", introduced: "2026-07-29", until: null },
  { version: "v25.0", introduced: "2026-02-18", until: "2028-07-29" },
  { version: "v24.0", introduced: "2025-10-08", until: "2028-02-18" },
  { version: "v23.0", introduced: "2025-05-29", until: "2027-10-08" },
  { version: "v22.0", introduced: "2025-01-21", until: "2027-05-20" },
  { version: "v21.0", introduced: "2024-10-02", until: "2027-01-21" },
  { version: "v20.0", introduced: "2024-05-21", until: "2026-09-24" },
  { version: "v19.0", introduced: "2024-01-23", until: "2026-05-21" },
  { version: "v18.0", introduced: "2023-09-12", until: "2026-01-26" },
  { version: "v17.0", introduced: "2023-05-23", until: "2025-09-12" },
  { version: "v16.0", introduced: "2023-02-02", until: "2025-05-14" },
  { version: "v15.0", introduced: "2022-09-15", until: "2024-11-20" },
  { version: "v14.0", introduced: "2022-05-25", until: "2024-09-17" },
  { version: "v13.0", introduced: "2022-02-08", until: "2024-05-28" },
  { version: "v12.0", introduced: "2021-09-14", until: "2024-02-08" },
  { version: "v11.0", introduced: "2021-06-08", until: "2023-09-14" },
  { version: "v10.0", introduced: "2021-02-23", until: "2023-06-08" },
  { version: "v9.0", introduced: "2020-11-10", until: "2023-02-23" },
  { version: "v8.0", introduced: "2020-08-04", until: "2022-11-01" },
  { version: "v7.0", introduced: "2020-05-05", until: "2022-08-04" },
  { version: "v6.0", introduced: "2020-02-03", until: "2022-05-05" },
  { version: "v5.0", introduced: "2019-10-29", until: "2022-02-03" },
  { version: "v4.0", introduced: "2019-07-29", until: "2021-11-02" },
  { version: "v3.3", introduced: "2019-04-30", until: "2021-08-03" },
  { version: "v3.2", introduced: "2018-10-23", until: "2021-05-04" },
  { version: "v3.1", introduced: "2018-07-26", until: "2020-10-27" },
  { version: "v3.0", introduced: "2018-05-01", until: "2020-07-28" },
  { version: "v2.12", introduced: "2018-01-30", until: "2020-05-05" },
  { version: "v2.11", introduced: "2017-11-07", until: "2020-01-28" },
  { version: "v2.10", introduced: "2017-07-18", until: "2019-11-07" },
  { version: "v2.9", introduced: "2017-04-18", until: "2019-07-22" },
  { version: "v2.8", introduced: "2016-10-05", until: "2019-04-18" },
  { version: "v2.7", introduced: "2016-07-13", until: "2018-10-05" },
  { version: "v2.6", introduced: "2016-04-12", until: "2018-07-13" },
  { version: "v2.5", introduced: "2015-10-07", until: "2018-04-12" },
  { version: "v2.4", introduced: "2015-07-08", until: "2017-10-09" },
  { version: "v2.3", introduced: "2015-03-25", until: "2017-07-10" },
  { version: "v2.2", introduced: "2014-10-30", until: "2017-03-27" },
  { version: "v2.1", introduced: "2014-08-07", until: "2016-10-31" },
  { version: "v2.0", introduced: "2014-04-30", until: "2016-08-08" },
  { version: "v1.0", introduced: "2010-04-21", until: "2015-04-30" },
];

const day = (iso: string) => Date.parse(`${iso}T00:00:00Z`);
const BY_NAME = new Map(
  GRAPH_VERSIONS.map((v) => [v.version, { ...v, from: day(v.introduced), to: v.until === null ? Infinity : day(v.until) }]),
);

export type VersionResolution =
  /** Served as `served`: the version asked for, or the oldest available one when it is retired. */
  | { kind: "served"; served: string; upgraded: boolean }
  /** Never published (or not yet, by the server's clock): Graph reads it as an unknown path. */
  | { kind: "unknown" };

/**
 * What Graph does with a version in the path at `nowMs`: a published, current version is served; a
 * retired one is upgraded to the oldest version still available (Meta's automatic upgrade, which the
 * `facebook-api-version` header reports); one never published is an unknown path component.
 */
export function resolveGraphVersion(version: string, nowMs: number): VersionResolution {
  const v = BY_NAME.get(version);
  if (!v || v.from > nowMs) return { kind: "unknown" };
  if (nowMs < v.to) return { kind: "served", served: version, upgraded: false };
  return { kind: "served", served: oldestAvailable(nowMs), upgraded: true };
}

/** The versions served at `nowMs`, newest first. */
export function availableGraphVersions(nowMs: number): string[] {
  return GRAPH_VERSIONS.filter((v) => day(v.introduced) <= nowMs && (v.until === null || nowMs < day(v.until))).map((v) => v.version);
}

function oldestAvailable(nowMs: number): string {
  const available = availableGraphVersions(nowMs);
  // A clock past every published version's end still gets an answer: the newest one.
  return available.at(-1) ?? GRAPH_VERSIONS[0]!.version;
}

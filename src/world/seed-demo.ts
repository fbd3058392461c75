import { nowSeconds } from "../domain/clock.ts";
import type { Services } from "../domain/services.ts";
import type { Runtime } from "../runtime/runtime.ts";
import { DEMO, demoWorld } from "./demo-world.ts";
import { loadWorld } from "./load-world.ts";

/** Seeds the demo world once; a database that already has it is left as it is. */
export async function seedDemo(services: Services, leadCount = 10_000): Promise<boolean> {
  if (await services.store.directory.getPage(DEMO.pages.cars)) return false;
  await loadWorld(services, demoWorld(nowSeconds(services.clock), leadCount));
  return true;
}

export function demoBanner(url: string, runtime: Runtime): string {
  const v = runtime.config.graphVersion;
  const q = (s: string) => `'${s}'`;
  return [
    "",
    `leadgraph demo server: ${url}`,
    "",
    "Tokens:",
    `  page token, Acme Cars   ${DEMO.pageTokenCars}`,
    `  page token, Bella Homes ${DEMO.pageTokenHomes}`,
    `  user token, Ann Admin   ${DEMO.userToken}`,
    `  app token               ${DEMO.appId}|${DEMO.appSecret}`,
    `  admin key               ${runtime.adminKey}`,
    "",
    "Ids: pages 3001 (Acme Cars), 3002 (Bella Homes); forms 8001 (Test drive), 8002 (Home valuation); ads 7001, 7002, 7003",
    "",
    "Try:",
    `  curl -s ${q(`${url}/${v}/8001/leads?fields=created_time,id,ad_id,form_id,field_data&limit=2&access_token=${DEMO.pageTokenCars}`)}`,
    `  curl -s ${q(`${url}/${v}/3001/leadgen_forms?fields=id,name,leads_count,questions&access_token=${DEMO.pageTokenCars}`)}`,
    `  curl -s ${q(`${url}/${v}/7001/leads?access_token=${DEMO.userToken}`)} --data-urlencode 'filtering=[{"field":"time_created","operator":"GREATER_THAN","value":${nowSeconds(runtime.services.clock) - 86_400}}]' -G`,
    "",
  ].join("\n");
}

export type { HttpModule, ModuleOptions } from "./http-module.ts";
export { provideThrottle, requireAdminKey } from "./admin-auth.ts";
export {
  bodyErrorToGraph,
  boundMultipart,
  drainRefusedBody,
  graphClientErrorHandler,
  refuseOverLimitQueries,
  registerBodyParsers,
  surfaceLimits,
} from "./body-limits.ts";
export { consoleSecurityHeaders, hostedFormSecurityHeaders } from "./security-headers.ts";
export { hostOf, ServerHost } from "./server-host.ts";

import { z } from "zod";
import { adminRoute, listOf, pageQuery, success } from "./admin-spec.ts";
import { nameText, numericId, shortText, strict, tasksInput, timeInput } from "./schemas.ts";
import { invalidatedTokens } from "./users-api.ts";

const tag = "pages";
const id = z.object({ id: z.string() });
const idAndUser = z.object({ id: z.string(), userId: z.string() });
const idAndStore = z.object({ id: z.string(), store: z.string() });

export const locationInput = {
  name: nameText,
  street: shortText.default(""),
  city: shortText.default(""),
  zip: shortText.default(""),
  country: shortText.default(""),
  latitude: z.number().nullable().default(null),
  longitude: z.number().nullable().default(null),
};
const leadAccessInput = strict({ user_ids: z.array(numericId).default([]), app_ids: z.array(numericId).default([]) });

/** `null`: never customised (admins and MANAGE_LEADS users read leads); an object lists the only people and apps that may. */
export const leadAccess = z.object({ user_ids: z.array(z.string()), app_ids: z.array(z.string()) }).nullable();
export const pageRole = z.object({ user_id: z.string(), tasks: z.array(z.string()) });
export const pageLocation = z.object({
  store_number: z.string(),
  name: z.string(),
  street: z.string(),
  city: z.string(),
  zip: z.string(),
  country: z.string(),
  latitude: z.number().nullable(),
  longitude: z.number().nullable(),
});
export const page = z.object({
  id: z.string(),
  name: z.string(),
  category: z.string(),
  created_time: z.string().nullable(),
  lead_access: leadAccess,
  roles: z.array(pageRole),
  locations: z.array(pageLocation),
});
export const leadAccessAssignment = z.object({ lead_access: leadAccess });

export const pagesApi = {
  list: adminRoute({
    method: "GET",
    path: "/pages",
    tag,
    summary: "List pages with roles, locations and lead access",
    query: pageQuery,
    response: listOf(page),
  }),
  create: adminRoute({
    method: "POST",
    path: "/pages",
    tag,
    summary: "Create a page",
    body: strict({
      id: numericId.optional(),
      name: nameText,
      category: nameText.default("Business"),
      created_time: timeInput.optional(),
      roles: z.array(strict({ user_id: numericId, tasks: tasksInput })).default([]),
      lead_access: leadAccessInput.nullable().default(null),
      locations: z.array(strict({ store_number: nameText, ...locationInput })).default([]),
    }),
    response: page,
  }),
  get: adminRoute({ method: "GET", path: "/pages/:id", tag, summary: "A page", params: id, response: page }),
  change: adminRoute({
    method: "POST",
    path: "/pages/:id",
    tag,
    summary: "Change a page's name, category or lead access",
    params: id,
    body: strict({ name: nameText.optional(), category: nameText.optional(), lead_access: leadAccessInput.nullable().optional() }),
    response: page,
  }),
  delete: adminRoute({
    method: "DELETE",
    path: "/pages/:id",
    tag,
    summary: "Delete a page without forms; its page tokens answer 190/492",
    params: id,
    response: success,
  }),
  roles: adminRoute({
    method: "GET",
    path: "/pages/:id/roles",
    tag,
    summary: "The people with tasks on a page",
    params: id,
    query: pageQuery,
    response: listOf(pageRole),
  }),
  setRole: adminRoute({
    method: "PUT",
    path: "/pages/:id/roles/:userId",
    tag,
    summary: "Give a user tasks on the page",
    params: idAndUser,
    body: strict({ tasks: tasksInput }),
    response: pageRole,
  }),
  removeRole: adminRoute({
    method: "DELETE",
    path: "/pages/:id/roles/:userId",
    tag,
    summary: "Take a user's tasks away; their page tokens answer 190/492",
    params: idAndUser,
    response: invalidatedTokens,
  }),
  locations: adminRoute({
    method: "GET",
    path: "/pages/:id/locations",
    tag,
    summary: "A page's store locations",
    params: id,
    query: pageQuery,
    response: listOf(pageLocation),
  }),
  setLocation: adminRoute({
    method: "PUT",
    path: "/pages/:id/locations/:store",
    tag,
    summary: "Create or replace a store location",
    params: idAndStore,
    body: strict(locationInput),
    response: pageLocation,
  }),
  removeLocation: adminRoute({
    method: "DELETE",
    path: "/pages/:id/locations/:store",
    tag,
    summary: "Remove a store location",
    params: idAndStore,
    response: success,
  }),
  leadAccess: adminRoute({
    method: "GET",
    path: "/pages/:id/lead_access",
    tag,
    summary: "The page's Leads Access Manager",
    params: id,
    response: leadAccessAssignment,
  }),
  setLeadAccess: adminRoute({
    method: "PUT",
    path: "/pages/:id/lead_access",
    tag,
    summary: "Replace the page's Leads Access Manager",
    params: id,
    body: leadAccessInput,
    response: leadAccessAssignment,
  }),
  resetLeadAccess: adminRoute({
    method: "DELETE",
    path: "/pages/:id/lead_access",
    tag,
    summary: "Back to never customised",
    params: id,
    response: leadAccessAssignment,
  }),
  allowInLeadAccess: adminRoute({
    method: "PUT",
    path: "/pages/:id/lead_access/:kind/:target",
    tag,
    summary: "Let one user or app read the page's leads (customising the Leads Access Manager from its defaults if needed)",
    params: z.object({ id: z.string(), kind: z.enum(["users", "apps"]), target: z.string() }),
    response: leadAccessAssignment,
  }),
  denyInLeadAccess: adminRoute({
    method: "DELETE",
    path: "/pages/:id/lead_access/:kind/:target",
    tag,
    summary: "Stop one user or app reading the page's leads",
    params: z.object({ id: z.string(), kind: z.enum(["users", "apps"]), target: z.string() }),
    response: leadAccessAssignment,
  }),
};

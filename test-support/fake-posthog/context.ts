// One request as the viewsets see it: the authenticated user, the body, the clock, and the
// access checks of posthog/plugins/access.py and the permission classes of reference §4.1.
import type { ParsedBody } from './http.ts'
import { ApiError, notFound, permissionDenied } from './http.ts'
import { ACCESS, type FakeDatabase, type Flavor, type Organization, type Team, type User } from './state.ts'

export interface Context {
  db: FakeDatabase
  flavor: Flavor
  user: User
  method: string
  url: URL
  body: ParsedBody
  baseUrl: string
  now(): string
}

export const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS'])

export const canGloballyManage = (org: Organization) => org.plugins_access_level >= ACCESS.ROOT
export const canInstall = (org: Organization) => org.plugins_access_level >= ACCESS.INSTALL
export const canConfigure = (org: Organization) => org.plugins_access_level >= ACCESS.CONFIG
export const canView = (org: Organization) => org.plugins_access_level > ACCESS.NONE

/** `{organization_id|@current}`: members only (OrganizationMemberPermissions). */
export function routeOrganization(ctx: Context, segment: string): Organization {
  const id = segment === '@current' ? ctx.user.organizations[0] : segment
  const org = id ? ctx.db.organization(id) : undefined
  if (!org) throw notFound()
  if (!ctx.user.organizations.includes(org.id)) throw permissionDenied()
  return org
}

/** `{team_id|@current}`: TeamMemberAccessPermission. */
export function routeTeam(ctx: Context, segment: string): Team {
  if (segment === '@current') {
    const team = ctx.db.currentTeam(ctx.user)
    if (!team) throw new ApiError(400, 'validation_error', 'invalid_input', 'This endpoint requires a project.')
    return team
  }
  if (!/^\d+$/.test(segment)) throw notFound()
  const team = ctx.db.teams.find((t) => t.id === Number(segment))
  if (!team) throw notFound()
  if (!ctx.user.organizations.includes(team.organization)) throw permissionDenied("You don't have access to the project.")
  return team
}

/** PH-late personal API key scopes: `plugin:read` for safe methods, `plugin:write` otherwise. */
export function requireScope(ctx: Context, object: string): void {
  if (!ctx.user.scopes || ctx.user.scopes.includes('*')) return
  const needed = `${object}:${SAFE_METHODS.has(ctx.method) ? 'read' : 'write'}`
  const has = ctx.user.scopes.includes(needed) || (needed.endsWith(':read') && ctx.user.scopes.includes(`${object}:write`))
  if (!has) throw permissionDenied(`API key missing required scope '${needed}'`)
}

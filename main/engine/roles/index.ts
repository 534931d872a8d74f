// The registry of roles that have an image. A role missing here (and from lab-images/) is "not built yet".
import type { ServerUnit } from '@contract/topology'
import { db } from './db'
import { imap } from './imap'
import { mx } from './mx'
import type { RoleDefinition } from './types'

export const roles: Partial<Record<ServerUnit['role'], RoleDefinition>> = { db, imap, mx }
export type { RoleAction, RoleContext, RoleDefinition, RoleSpec, HookContext } from './types'

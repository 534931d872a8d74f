// The registry of roles that have an image. A role missing here (and from lab-images/) is "not built yet".
import type { ServerUnit } from '@contract/topology'
import { backup } from './backup'
import { db } from './db'
import { dns } from './dns'
import { edge } from './edge'
import { fe } from './fe'
import { file } from './file'
import { imap } from './imap'
import { mx } from './mx'
import { web } from './web'
import type { RoleDefinition } from './types'

export const roles: Partial<Record<ServerUnit['role'], RoleDefinition>> = { db, imap, mx, dns, fe, web, edge, file, backup }
export type { RoleAction, RoleContext, RoleDefinition, RoleSpec, HookContext, ProvisionContext } from './types'

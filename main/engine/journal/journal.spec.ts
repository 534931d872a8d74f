import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { JOURNAL_KINDS } from '@contract/status'
import { Journal } from './journal'

describe('Journal', () => {
  it('reads back every kind of line it wrote, alerts included, and keeps counting from the last seq', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'racklab-journal-')), 'journal.jsonl')
    const j = new Journal(file)
    for (const kind of JOURNAL_KINDS) j.append({ kind, text: `a ${kind} line` })
    await new Promise((r) => setTimeout(r, 50)) // appends are fsynced soon, not at once
    const again = new Journal(file)
    expect(again.list(0, 100).map((e) => e.kind)).toEqual([...JOURNAL_KINDS])
    expect(again.append({ kind: 'engine', text: 'next' }).seq).toBe(JOURNAL_KINDS.length + 1)
  })
})

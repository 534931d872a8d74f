import { describe, expect, it } from 'vitest'
import { offsitePlan } from './backup-offsite'

describe('offsite catch-up plan', () => {
  it('copies again every kept night not complete offsite, except the one just copied', () => {
    const local = ['20070614T020000', '20070615T020000', '20070616T020000']
    expect(offsitePlan(local, ['20070614T020000', '20070616T020000'], ['20070614T020000', '20070615T020000', '20070616T020000'], '20070616T020000')).toEqual({ recopy: ['20070615T020000'], remove: [] })
    // a night cut before db3 had a directory for it is copied too
    expect(offsitePlan(local, ['20070616T020000'], ['20070616T020000'], '20070616T020000').recopy).toEqual(['20070614T020000', '20070615T020000'])
  })

  it('removes partial copies of nights backup1 no longer keeps, never a complete one or a stranger', () => {
    const plan = offsitePlan(['20070616T020000'], ['20070610T020000', '20070616T020000'], ['20070609T020000', '20070610T020000', '20070616T020000', 'lost+found'], '20070616T020000')
    expect(plan).toEqual({ recopy: [], remove: ['20070609T020000'] })
  })
})

// The 3D view's costs, measured in Debian's chromium with swiftshader WebGL (software: frame times are an upper
// bound for a real GPU). Draw calls for the default site and a synthetic 20-rack site (targets ≤ 60 and ≤ 100),
// frame time, and renderer memory before and after 1,000 state changes (should stay flat).
// Run alone: npx tsx --tsconfig tsconfig.node.json tests/bench/scene.bench.ts
import { pathToFileURL } from 'node:url'
import type { Page } from 'playwright-core'
import { loadTopology } from '../../main/engine/topology/loader'
import { hardwareFor } from '../../renderer/src/testing/hardware-fixture'
import { launch } from '../e2e/browser'
import { buildBenchSite, openScene, serversFor, syntheticSite } from './scene-page'
import { atMost, type BenchResult } from './figure'

/** calls window.__bench (renderer/src/bench/scene-bench-page.ts) in the page */
const api = <T>(page: Page, fn: string): Promise<T> => page.evaluate(`window.__bench.${fn}`) as Promise<T>

export async function benchScene(): Promise<BenchResult> {
  const { topology } = await loadTopology()
  const big = syntheticSite(topology, 20)
  const site = await buildBenchSite()
  const browser = await launch()
  try {
    const out: Record<string, number> = {}
    const targets: BenchResult = {}
    // snapshots the churn flips between: loads moving, a disk failing and rebuilding, a PSU pulled, a cable out
    const churn = [
      hardwareFor(topology),
      hardwareFor(topology, { amps: { 'nyi-1-pdu-a': 17.9, 'nyi-2-pdu-b': 9.1 }, bays: { 'raid1/3': 'failed' } }),
      hardwareFor(topology, { bays: { 'raid1/3': 'rebuilding', 'raid2/7': 'missing' }, psus: { 'db1/2': 'pulled' } }),
      hardwareFor(topology, { tripped: ['nyi-3-a'], unplugged: ['mx1/ext'], psus: { 'web1/1': 'failed' } }),
    ]
    const page = await openScene(browser, site, { topology, servers: serversFor(topology), hardware: churn[0]!, churn })
    out.drawCallsDefault = await api<number>(page, 'drawCalls()')
    // 1: frame times below are a software rasterizer's (SwiftShader), not a GPU's
    out.softwareRenderer = await api<number>(page, 'software()')
    await api(page, 'frameMs(5)') // warm-up: shader compilation
    out.frameMsDefault = await api<number>(page, 'frameMs(30)')
    const before = await api<{ geometries: number; textures: number }>(page, 'memory()')
    const after = await api<{ geometries: number; textures: number }>(page, 'churn(1000)')
    out.geometriesBefore = before.geometries
    out.geometriesAfter1000Changes = after.geometries
    out.texturesBefore = before.textures
    out.texturesAfter1000Changes = after.textures
    out.memoryGrowthRatio = (after.geometries + after.textures) / Math.max(1, before.geometries + before.textures)
    await page.close()

    const bigPage = await openScene(browser, site, { topology: big, servers: serversFor(big), hardware: hardwareFor(big) })
    out.drawCalls20Racks = await api<number>(bigPage, 'drawCalls()')
    await api(bigPage, 'frameMs(5)')
    out.frameMs20Racks = await api<number>(bigPage, 'frameMs(20)')
    await bigPage.close()
    targets.drawCallsDefault = atMost(out.drawCallsDefault, 60)
    targets.drawCalls20Racks = atMost(out.drawCalls20Racks, 100)
    return { ...out, ...targets }
  } finally {
    await browser.close()
    await site.close()
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  console.log(JSON.stringify(await benchScene(), null, 2))
}

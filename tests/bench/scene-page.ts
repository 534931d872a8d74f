// Builds renderer/scene-bench.html with vite into a temp dir, serves it on 127.0.0.1 and opens it in Debian's
// chromium (swiftshader WebGL) with a topology, statuses and a hardware snapshot injected before load.
import { createServer, type Server } from 'node:http'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { extname, join, normalize } from 'node:path'
import type { AddressInfo } from 'node:net'
import type { Browser, Page } from 'playwright-core'
import { build } from 'vite'
import type { ServerStatus } from '@contract/status'
import type { Topology } from '@contract/topology'
import type { HardwareView } from '../../renderer/src/stores/hardware-view'
import { ROOT } from '../integration/helpers'

export interface BenchInput {
  topology: Topology
  servers: ServerStatus[]
  hardware: HardwareView | null
  churn?: HardwareView[]
  select?: string
  side?: 'front' | 'back'
  /** frames from requestAnimationFrame as in the app (render on demand); the default drives frames by hand */
  animate?: boolean
}

export interface BenchSite {
  url: string
  close(): Promise<void>
}

const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css' }

export async function buildBenchSite(): Promise<BenchSite> {
  const out = mkdtempSync(join(tmpdir(), 'racklab-scene-bench-'))
  await build({
    configFile: false,
    logLevel: 'warn',
    root: join(ROOT, 'renderer'),
    base: './',
    resolve: { alias: { '@contract': join(ROOT, 'preload/contract') } },
    build: { outDir: out, emptyOutDir: true, rollupOptions: { input: join(ROOT, 'renderer/scene-bench.html') } },
  })
  const server: Server = createServer((req, res) => {
    const path = normalize(decodeURIComponent((req.url ?? '/').split('?')[0]!)).replace(/^(\.\.[/\\])+/, '')
    try {
      const body = readFileSync(join(out, path === '/' ? 'scene-bench.html' : path))
      res.writeHead(200, { 'content-type': TYPES[extname(path)] ?? 'application/octet-stream' })
      res.end(body)
    } catch {
      res.writeHead(404).end()
    }
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}/scene-bench.html`,
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()))
      rmSync(out, { recursive: true, force: true })
    },
  }
}

export async function openScene(browser: Browser, site: BenchSite, input: BenchInput, viewport = { width: 1440, height: 900 }): Promise<Page> {
  const page = await browser.newPage({ viewport })
  const errors: string[] = []
  page.on('pageerror', (e) => errors.push(e.message))
  await page.addInitScript((i) => {
    ;(globalThis as unknown as { __benchInput: unknown }).__benchInput = i
  }, input)
  await page.goto(site.url)
  await page.waitForFunction('"__bench" in window', undefined, { timeout: 60_000 }).catch(() => {
    throw new Error(`the scene bench page did not start: ${errors.join('; ') || 'no error reported'}`)
  })
  return page
}

/** A server status per server unit of the topology, all running and healthy unless told. */
export function serversFor(t: Topology, over: Record<string, Partial<ServerStatus>> = {}): ServerStatus[] {
  return t.sites.flatMap((site) =>
    site.racks.flatMap((rack) =>
      rack.units.flatMap((u) =>
        u.kind !== 'server'
          ? []
          : [{ id: u.id, role: u.role, site: site.id, rack: rack.id, model: u.model, image: `racklab/${u.role}`, imageState: 'built' as const, state: 'running' as const, health: 'healthy' as const, ips: {}, ...over[u.id] }],
      ),
    ),
  )
}

/** nyi-1 copied until the site has `racks` racks, ids suffixed so they stay unique. */
export function syntheticSite(base: Topology, racks: number): Topology {
  const template = base.sites[0]!.racks[0]!
  const copy = (i: number): typeof template => {
    const s = (id: string): string => `${id}-r${i}`
    return {
      ...template,
      id: s(template.id),
      label: `Synthetic cabinet ${i + 1}`,
      circuits: template.circuits.map((c) => ({ ...c, id: s(c.id) })),
      pdus: template.pdus.map((p) => ({ ...p, id: s(p.id), circuit: s(p.circuit) })),
      units: template.units.map((u) => {
        const power = u.power.map(s)
        if (u.kind === 'server') return { ...u, id: s(u.id), power, nics: u.nics.map((n) => ({ ...n, ...(n.switch ? { switch: s(n.switch) } : {}) })), dependsOn: [] }
        if (u.kind === 'enclosure') return { ...u, id: s(u.id), power, attachedTo: s(u.attachedTo), arrays: u.arrays.map((a) => ({ ...a, id: s(a.id) })) }
        return { ...u, id: s(u.id), power }
      }),
    }
  }
  return { ...base, sites: [{ id: 'synthetic', name: `Synthetic, ${racks} racks`, racks: Array.from({ length: racks }, (_, i) => copy(i)) }] }
}

// Pure stream helpers: docker frame demux, JSON-lines progress, build step parsing, stats maths.
import { PassThrough } from 'node:stream'
import { describe, expect, it } from 'vitest'
import { parseStep } from './build'
import { Demuxer, TextLines, demuxBuffer } from './demux'
import { PidMarkReader, wrapWithPidMark } from './exec-tty'
import { AbortedError, InStreamError, followJsonStream, type ProgressItem } from './json-stream'
import { cpuPercent, memoryUsed, type StatsSample } from './stats'

const frame = (kind: 1 | 2, text: string | Buffer): Buffer => {
  const body = typeof text === 'string' ? Buffer.from(text) : text
  const head = Buffer.alloc(8)
  head[0] = kind
  head.writeUInt32BE(body.length, 4)
  return Buffer.concat([head, body])
}

describe('demux', () => {
  it('splits stdout and stderr, keeping their interleaving', () => {
    const r = demuxBuffer(Buffer.concat([frame(1, 'out1\n'), frame(2, 'err\n'), frame(1, 'out2\n')]))
    expect(r).toEqual({ stdout: 'out1\nout2\n', stderr: 'err\n', combined: 'out1\nerr\nout2\n' })
  })

  it('reassembles frames and UTF-8 characters cut across chunks', () => {
    const euro = Buffer.from('€') // 3 bytes
    const all = Buffer.concat([frame(1, Buffer.concat([Buffer.from('a'), euro.subarray(0, 2)])), frame(1, Buffer.concat([euro.subarray(2), Buffer.from('b')]))])
    let got = ''
    const d = new Demuxer((_k, t) => (got += t))
    for (let i = 0; i < all.length; i += 3) d.push(all.subarray(i, i + 3))
    d.end()
    expect(got).toBe('a€b')
  })

  it('TextLines emits whole lines and flushes the tail', () => {
    const lines: string[] = []
    const t = new TextLines((l) => lines.push(l))
    t.push('one\r\ntw')
    t.push('o\nthree')
    expect(lines).toEqual(['one', 'two'])
    t.flush()
    expect(lines).toEqual(['one', 'two', 'three'])
  })
})

describe('followJsonStream', () => {
  it('parses lines split across chunks', async () => {
    const s = new PassThrough()
    const seen: ProgressItem[] = []
    const p = followJsonStream(s, (i) => seen.push(i))
    s.write('{"stream":"Step 1/2 : FROM x\\n"}\n{"str')
    s.end('eam":"ok"}\n')
    expect(await p).toHaveLength(2)
    expect(seen[1]).toEqual({ stream: 'ok' })
  })

  it('rejects with the in-stream error even though HTTP said 200', async () => {
    const s = new PassThrough()
    const p = followJsonStream(s, () => undefined)
    s.end('{"stream":"Step 2/2"}\n{"errorDetail":{"code":7,"message":"The command \'/bin/sh -c exit 7\' returned a non-zero code: 7"},"error":"x"}\n')
    await expect(p).rejects.toThrow(InStreamError)
    await expect(p).rejects.toThrow("returned a non-zero code: 7")
  })

  it('rejects on abort and on a stream that closes before its end', async () => {
    const ac = new AbortController()
    const s = new PassThrough()
    const p = followJsonStream(s, () => undefined, ac.signal)
    ac.abort()
    await expect(p).rejects.toBeInstanceOf(AbortedError)
    expect(s.destroyed).toBe(true)
    const cut = new PassThrough()
    const q = followJsonStream(cut, () => undefined)
    cut.destroy()
    await expect(q).rejects.toThrow(/closed before it finished/)
  })
})

describe('parseStep', () => {
  it('reads legacy-builder step lines only', () => {
    expect(parseStep('Step 3/9 : RUN apt-get update')).toEqual({ step: 3, steps: 9 })
    expect(parseStep(' ---> Running in 1234')).toBeUndefined()
    expect(parseStep('#5 [2/3] RUN x')).toBeUndefined()
  })
})

describe('stats', () => {
  const sample = (cpu: number, precpu: number, sys: number, presys: number): StatsSample => ({
    cpu_stats: { cpu_usage: { total_usage: cpu }, system_cpu_usage: sys, online_cpus: 2 },
    precpu_stats: { cpu_usage: { total_usage: precpu }, system_cpu_usage: presys },
    memory_stats: { usage: 100_000_000, stats: { inactive_file: 30_000_000 } },
  })
  it('computes CPU % like the docker CLI and memory without cache', () => {
    // 0.5 s of container CPU over 2 s of (2-CPU) system time → 50 %
    expect(cpuPercent(sample(1_500_000_000, 1_000_000_000, 4_000_000_000, 2_000_000_000))).toBeCloseTo(50)
    expect(cpuPercent(sample(1, 1, 0, 0))).toBe(0)
    expect(memoryUsed(sample(0, 0, 0, 0))).toBe(70_000_000)
  })
})

describe('TTY pid mark', () => {
  it('strips the mark even when split across chunks and keeps the rest', () => {
    const r = new PidMarkReader()
    expect(r.take('\x1b]9999;racklab')).toBe('')
    expect(r.take('-pid=4321\x07$ ')).toBe('$ ')
    expect(r.pid).toBe(4321)
    expect(r.take('more')).toBe('more')
  })

  it('gives up on a command that never printed the mark', () => {
    const r = new PidMarkReader()
    const text = 'x'.repeat(100)
    expect(r.take(text)).toBe(text)
    expect(r.pid).toBeUndefined()
  })

  it('wraps the command so sh execs it with the same PID', () => {
    expect(wrapWithPidMark(['bash', '-i'])).toEqual(['/bin/sh', '-c', expect.stringContaining('exec "$@"'), 'sh', 'bash', '-i'])
  })
})

// Docker starts a lab's containers slower the more it is asked to start at once: each start takes its network
// set-up through dockerd's locks and the same cores, so 18 asked at once finish in whatever order dockerd gets
// to them, 1-5 s after the ask. The servers whose own boot is longest once Docker has started them (a
// frontend's VRRP settling, an MX's milters loading) were often among the last started, and `up` waited for them.
// This queue lets `limit` starts run at once and, when a slot frees, takes the waiting start whose server boots
// longest. Until every expected start has been asked for (or `gatherMs` after the first), none begins: the
// first asks come from whichever containers were created first, not from the servers that matter most.
export interface StartQueue {
  /** run `start` when a slot is free and no waiting start boots longer */
  run<T>(bootS: number, start: () => Promise<T>): Promise<T>
}

export function startQueue(opts: { limit: number; expected: number; gatherMs: number }): StartQueue {
  let running = 0
  let asked = 0
  let gathered = opts.expected <= 1
  let timer: ReturnType<typeof setTimeout> | undefined
  const waiting: { bootS: number; seq: number; go: () => void }[] = []
  const pump = (): void => {
    if (!gathered) return
    // longest boot first; among equals, the order they were asked in
    waiting.sort((a, b) => b.bootS - a.bootS || a.seq - b.seq)
    while (running < opts.limit && waiting.length) {
      running++
      waiting.shift()!.go()
    }
  }
  const gather = (): void => {
    gathered = true
    if (timer) clearTimeout(timer)
    timer = undefined
    pump()
  }
  return {
    run<T>(bootS: number, start: () => Promise<T>): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        const seq = asked++
        waiting.push({
          bootS,
          seq,
          go: () => {
            // a start that throws synchronously still frees its slot
            Promise.resolve()
              .then(start)
              .then(resolve, reject)
              .finally(() => {
                running--
                pump()
              })
          },
        })
        if (!gathered && asked >= opts.expected) gather()
        else if (!gathered) timer ??= setTimeout(gather, opts.gatherMs)
        pump()
      })
    },
  }
}

// The lab clock: simulated milliseconds that run `speed` times faster than the wall clock, so a rebuild of
// hours fits in minutes. The hardware model only ever reads time through the LabClock interface.

export interface LabClock {
  /** lab milliseconds since the lab started */
  now(): number
}

/** A clock driven by hand: tests, replays and benches. */
export class ManualClock implements LabClock {
  constructor(private ms = 0) {}
  now(): number {
    return this.ms
  }
  set(ms: number): void {
    if (ms < this.ms) throw new RangeError(`lab time cannot go back (${ms} < ${this.ms})`)
    this.ms = ms
  }
  advance(ms: number): number {
    this.set(this.ms + ms)
    return this.ms
  }
}

/**
 * Lab time scaled from a wall-clock source (ms). Changing the speed or pausing keeps lab time continuous:
 * the clock re-anchors at the moment of the change.
 */
export class ScaledClock implements LabClock {
  private anchorWall: number
  private anchorLab = 0
  private paused = false

  constructor(
    private speedFactor: number,
    private readonly wall: () => number,
  ) {
    assertSpeed(speedFactor)
    this.anchorWall = wall()
  }

  now(): number {
    if (this.paused) return this.anchorLab
    return this.anchorLab + (this.wall() - this.anchorWall) * this.speedFactor
  }

  get speed(): number {
    return this.speedFactor
  }

  setSpeed(speed: number): void {
    assertSpeed(speed)
    this.reanchor()
    this.speedFactor = speed
  }

  pause(): void {
    this.reanchor()
    this.paused = true
  }

  resume(): void {
    if (!this.paused) return
    this.anchorWall = this.wall()
    this.paused = false
  }

  private reanchor(): void {
    this.anchorLab = this.now()
    this.anchorWall = this.wall()
  }
}

function assertSpeed(speed: number): void {
  if (!(speed > 0) || !Number.isFinite(speed)) throw new RangeError(`clock speed must be a positive number, got ${speed}`)
}

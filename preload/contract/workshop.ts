// What the workshop API (/api/workshop) answers: the trainer's dashboard, a lab's row, the scoreboard.

export interface WorkshopLabView {
  lab: string
  /** the Docker engine it lives on (racklab engines ls); "local" when it was not placed on a named one */
  engine: string
  /** the last refresh answered; otherwise `problem` says why (the lab keeps its row and its score) */
  reachable: boolean
  problem?: string
  servers: { total: number; running: number; healthy: number }
  alerts: { severity: string; text: string }[]
  lastAction: { at: string; text: string } | null
  objectives: { id: string; text: string; points: number; done: boolean }[]
  /** the first objective not yet reached; null when all are, or there is no exercise */
  step: string | null
  score: number
  maxScore: number
  hintsTaken: number
  timeLeftMs: number | null
  updatedAt: string | null
}

export interface WorkshopBroadcast {
  at: string
  text: string
}

export interface WorkshopDashboard {
  workshop: string
  role: 'trainer' | 'observer'
  exercise: { name: string; description: string; hints: number; timeboxMs: number | null; objectives: { id: string; text: string; points: number }[] } | null
  labs: WorkshopLabView[]
  messages: WorkshopBroadcast[]
}

export interface WorkshopBreakResult {
  results: { lab: string; ok: boolean; text?: string; error?: { code: string; message: string } }[]
}

/** what a student's token sees: their own lab's row, the trainer's messages, the hints revealed so far */
export interface WorkshopStudentView {
  workshop: string
  role: 'student'
  lab: WorkshopLabView
  messages: WorkshopBroadcast[]
  hints: string[]
  hintsLeft: number
}

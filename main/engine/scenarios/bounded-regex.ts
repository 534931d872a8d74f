// A scenario's `exec.output` is a regular expression from a file anyone can write, run on the main thread.
// V8's backtracking engine takes exponential time on patterns like ^(a+)+$ (20.8 s on 29 characters), and
// that blocks the whole engine: every console, every UI call. So the match runs inside node:vm with a
// timeout, whose watchdog interrupts irregexp mid-backtrack; a match that runs out of time is an error.
import { createContext, Script } from 'node:vm'
import { LabError } from '@contract/errors'

export const REGEX_TIMEOUT_MS = 1000

// one context for every match: creating one costs far more than the match itself
const sandbox = createContext({ re: /$^/, input: '' })
const matchScript = new Script('re.test(input)', { filename: 'scenario-output-regex' })

/** does `pattern` match `input`? throws LabError('UNHEALTHY') naming the pattern when it takes longer than timeoutMs */
export function boundedRegexTest(pattern: string, input: string, timeoutMs = REGEX_TIMEOUT_MS): boolean {
  // compiled out here (linear time), so a bad pattern throws this realm's SyntaxError
  sandbox.re = new RegExp(pattern)
  sandbox.input = input
  try {
    return matchScript.runInContext(sandbox, { timeout: timeoutMs }) === true
  } catch (e) {
    if ((e as { code?: string }).code === 'ERR_SCRIPT_EXECUTION_TIMEOUT')
      throw new LabError('UNHEALTHY', `output pattern /${pattern}/ was stopped after ${timeoutMs} ms on ${input.length} characters: it backtracks catastrophically (nested quantifiers such as (a+)+); write it without them`)
    throw e
  } finally {
    // don't keep a large output alive between matches
    sandbox.input = ''
  }
}

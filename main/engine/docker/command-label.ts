// A command as one short line for messages. A probe passes whole message bodies as arguments (swaks --data
// with the EICAR test body); quoting those in a timeout message printed the body, line by line, into every
// alert and `check` row.
const MAX_ARG = 40

export function commandLabel(cmd: readonly string[]): string {
  return cmd
    .map((a) => {
      const firstLine = a.split('\n', 1)[0] ?? ''
      const cut = firstLine.length > MAX_ARG ? firstLine.slice(0, MAX_ARG) : firstLine
      return cut === a ? a : `${cut}… (${a.length} chars)`
    })
    .join(' ')
}

// Which progress lines of an `up` a terminal shows. A first `up` reports every line apt, dpkg and the image builder
// print (~2,600 on a first run: "Unpacking …", "Setting up …", the builder's layer ids), which buried the lines a
// person follows: the steps of each image, what fails, the servers starting and becoming healthy. A failed build
// still says why in full (its error carries the output's last lines).

/** apt's and dpkg's per-package chatter, in a build or in the base image's bootstrap */
const PACKAGE_CHATTER = /^(Selecting previously unselected|Preparing to unpack|Unpacking |Setting up |Processing triggers|\(Reading database|Get:\d|Hit:\d|Ign:\d|Fetched |Reading package lists|Building dependency tree|Reading state information|Need to get|After this operation|The following|0 upgraded|\d+ upgraded|Created symlink|invoke-rc\.d|update-alternatives|Adding |Done\.|debconf: |dpkg-deb: |Suggested packages|Recommended packages|  \S)/

/** debootstrap's one line per package (I: Retrieving adduser 3.134, Validating, Extracting, Unpacking, Configuring) */
const PER_PACKAGE = /^I: (Retrieving|Validating|Extracting|Unpacking|Configuring) \S+/

/** a line that says something went wrong: always shown */
const TROUBLE = /^(E|W|Err:\d*):? |\b(error|failed|warning)\b/i

export function showProgressLine(phase: string, text: string): boolean {
  if (phase === 'build') {
    // "racklab/mx:<hash>: Step 4/20 : RUN …": each image's own steps, and how it ended
    if (/--->|^\S+: \s*$/.test(text)) return false
    const line = text.replace(/^\S+: /, '')
    return /^Step \d+\/\d+ :|^Successfully (built|tagged)/.test(line) || TROUBLE.test(line)
  }
  if (phase === 'base') return TROUBLE.test(text) || !(PACKAGE_CHATTER.test(text) || PER_PACKAGE.test(text))
  return true
}

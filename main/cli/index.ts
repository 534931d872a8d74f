// `racklab` — the lab from a terminal. Plain Node; talks to the engine through the same dispatcher as the UI.
import { parseArgs } from 'node:util'
import { EXIT_CANNOT_RUN, errorText, exitCodeFor, printJson, say } from './output'
import { commands } from './commands/index'

const USAGE = `racklab — run the FastMail.FM 2007 stack as real Docker containers

usage: racklab <command> [options]

  up [--only a,b] [--timings] [--json]
                                 build what is missing, start servers, wait until healthy
                                 (--timings: the wall time of each phase, on stderr; always in --json)
  down [--volumes] [--timings] [--json]
                                 stop and remove the lab's containers and networks (data volumes with --volumes)
  status [--json]                servers, states and health
  endpoints [--json]             host ports (127.0.0.1) of the lab's public services
  ca [--json]                    the lab CA's certificate (racklab ca > racklab-ca.crt, then trust it)
  backups [SERVER] [--json]      the backup server's nights: hot DB backup (size, GTID, offsite), each store's
                                 mail snapshot, what is stored, the last run's report
  check [--fresh] [--json]       every probe's latest result and the alerts (exit 0 pass, 1 fail, 2 none ran);
                                 --fresh runs them now (so does --no-engine: no monitor runs there)
  watch [--json]                 follow alerts and state changes until Ctrl-C (NDJSON with --json)
  logs SERVER [--tail N] [--follow]
  journal [--since SEQ] [--json] the lab's journal: actions (with their values), state changes, probes
  journal export --since SEQ [--until SEQ] [--name NAME] --as scenario
                                 the actions in that stretch as a replayable scenario (YAML on stdout), expecting
                                 the probe results at its end (without --until: after every probe ran again)
  exec SERVER -- CMD [ARGS…]     run a command inside a server
  ssh SERVER [-- CMD [ARGS…]]    log in to a server over SSH (the host's ssh, the lab's operator key and
                                 known_hosts in ~/.racklab/<lab>/ssh/; to its address on the lab network)
  actions TARGET [--json]        what can be done to a target (server:db1, circuit:nyi-1-a, disk:raid1/3…)
  act TARGET ACTION [NAME=VALUE…] [--json]
                                 do it (resync server:imap2 user=alice: what an action takes is in actions)
  targets [--json]               every target with the actions it has now
  undo [SEQ] [--json]            put an action back with its recorded inverse (default: the newest)
  scenario run|check FILE [--json] [--result RUN.json] [--compare RUN.json] [--junit FILE]
                                 a scripted incident: steps, expectations, cleanup (exit 0 passed, 1 failed);
                                 a run always writes its result (default ~/.racklab/<lab>/runs/); --compare
                                 lists step by step what differs from a stored one; --junit writes JUnit XML
  serve [--host H] [--port P] [--no-qr]
                                 the UI in a browser (prints a 127.0.0.1 URL with its token); --host a LAN
                                 address: HTTPS with a self-signed certificate for it (its SHA-256 printed)
  workshop create --labs N [--name ws] [--scenario ID] [--only a,b] [--engine a,b|all]
                                 N labs (ws-1…ws-N), each up and, with an exercise, broken; tokens kept in
                                 ~/.racklab/.workshops/NAME.json. Then: serve --workshop NAME (trainer,
                                 student and observer links, each with a QR code; HTTPS off loopback)
  workshop down NAME             every lab of the workshop removed (on whatever engine), then its tokens
  labs [--json]                  every lab on every engine: engine, state, servers running, subnets, memory
  engines add NAME --host unix:///…|tcp://… [--cert-path DIR] | ls [--json] | rm NAME [--force]
                                 the Docker engines labs may go to (~/.racklab/engines.json; default: DOCKER_HOST)
  export compose                 a docker-compose file of the lab on stdout (racklab export compose > lab.yml)
  engine status|stop|logs        the lab's engine service: one process per lab that keeps the clock, the
                                 hardware, the ledger, the journal and the monitor running between commands

common options: --topology FILE (default: the embedded nyi-2007), --json,
  --lab NAME (default: RACKLAB_LAB, else the topology's name; several labs share one engine, each on its own subnets),
  --engine NAME (up: put the lab on that registered engine, recorded for later commands; default RACKLAB_ENGINE),
  --no-engine (run in this process instead of the lab's engine service; refused while one runs)
exit codes: 0 ok, 1 not healthy / failed, 2 could not run (no engine, bad topology, bad arguments)`

const LAB_NAME = /^[a-z0-9][a-z0-9-]{0,62}$/

export async function main(argv: string[]): Promise<number> {
  const dash = argv.indexOf('--')
  const own = dash >= 0 ? argv.slice(0, dash) : argv
  const rest = dash >= 0 ? argv.slice(dash + 1) : []
  let parsed
  try {
    parsed = parseArgs({
      args: own,
      allowPositionals: true,
      options: {
        json: { type: 'boolean', default: false },
        topology: { type: 'string' },
        lab: { type: 'string' },
        only: { type: 'string' },
        volumes: { type: 'boolean', default: false },
        timings: { type: 'boolean', default: false },
        tail: { type: 'string' },
        follow: { type: 'boolean', short: 'f', default: false },
        host: { type: 'string' },
        port: { type: 'string' },
        since: { type: 'string' },
        until: { type: 'string' },
        as: { type: 'string' },
        compare: { type: 'string' },
        junit: { type: 'string' },
        result: { type: 'string' },
        'no-engine': { type: 'boolean', default: false },
        'no-qr': { type: 'boolean', default: false },
        fresh: { type: 'boolean', default: false },
        labs: { type: 'string' },
        scenario: { type: 'string' },
        name: { type: 'string' },
        workshop: { type: 'string' },
        engine: { type: 'string' },
        'cert-path': { type: 'string' },
        force: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    })
  } catch (e) {
    say(`racklab: ${(e as Error).message}\n\n${USAGE}`)
    return EXIT_CANNOT_RUN
  }
  const [name, ...positionals] = parsed.positionals
  if (parsed.values.help || !name) {
    say(USAGE)
    return name || parsed.values.help ? 0 : EXIT_CANNOT_RUN
  }
  const run = commands[name]
  if (!run) {
    say(`racklab: unknown command "${name}"\n\n${USAGE}`)
    return EXIT_CANNOT_RUN
  }
  try {
    const { 'no-engine': noEngine, 'no-qr': noQr, 'cert-path': certPath, lab, ...values } = parsed.values
    if (lab !== undefined) {
      if (!LAB_NAME.test(lab)) throw new (await import('@contract/errors')).LabError('BAD_INPUT', `--lab "${lab}": a lab name is lowercase letters, digits and "-", starting with a letter or digit (it names Docker objects and ~/.racklab/<lab>)`)
      // every path to the lab (the engine service, --no-engine, labs) reads it from here, as from the shell
      process.env.RACKLAB_LAB = lab
    }
    return await run({ ...values, noEngine, noQr, certPath, positionals, rest })
  } catch (e) {
    const { toWireError } = await import('@contract/errors')
    const err = toWireError(e)
    if (parsed.values.json) printJson({ ok: false, error: err })
    else say(errorText(err))
    return exitCodeFor(err)
  }
}

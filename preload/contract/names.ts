// Command and event names as plain data: the preload's allow-list. commands.ts checks they match the contract.
export const commandNames = [
  'engine.status',
  'lab.status',
  'lab.topology',
  'lab.up',
  'lab.down',
  'op.cancel',
  'server.control',
  'server.logs',
  'server.firewall',
  'lab.check',
  'alerts.list',
  'monitor.history',
  'lab.endpoints',
  'lab.ca',
  'lab.compose',
  'backup.list',
  'scenario.list',
  'scenario.run',
  'actions.list',
  'actions.run',
  'actions.targets',
  'actions.undo',
  'journal.list',
  'journal.export',
  'console.open',
  'console.input',
  'console.resize',
  'console.close',
  'console.share',
  'console.watch',
] as const

export const eventNames = [
  'engine.changed',
  'lab.changed',
  'op.progress',
  'op.done',
  'journal.appended',
  'probe.results',
  'alerts.changed',
  'console.output',
  'console.exit',
] as const

export const isCmd = (s: unknown): s is (typeof commandNames)[number] => typeof s === 'string' && (commandNames as readonly string[]).includes(s)
export const isEvt = (s: unknown): s is (typeof eventNames)[number] => typeof s === 'string' && (eventNames as readonly string[]).includes(s)

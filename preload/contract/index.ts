export * from './commands'
export * from './errors'
export * from './status'
export * from './topology'

// Which build this process is: the CLI and the engine service are bundled together at build time, with one id,
// so a client can tell an engine left running by an older build (and restart it) from its own.
declare const __RACKLAB_BUILD__: string | undefined
export const BUILD_ID: string = typeof __RACKLAB_BUILD__ === 'string' ? __RACKLAB_BUILD__ : 'source'

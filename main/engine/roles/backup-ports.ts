// The TCP ports backups travel on, one per kind of stream: a hot DB backup and a store's mail files reach backup1 at
// the same time in one backup-now, and a receiver takes any stream that arrives on its port.
/** backup1 receives a database replica's hot backup stream */
export const DB_STREAM_PORT = 9100
/** the offsite database receives backup1's copies */
export const OFFSITE_PORT = 9101
/** backup1 receives a Cyrus node's mail files, and serves them back to one on a restore */
export const MAIL_STREAM_PORT = 9102

// Least privilege: every lab container starts from CapDrop ALL with no-new-privileges and a PID limit
// (docker/container-spec.ts); a role adds back only the Linux capabilities it names, each with the reason.
// Docker's default set also grants MKNOD, NET_RAW, SETFCAP, SETPCAP, SYS_CHROOT, AUDIT_WRITE and FSETID,
// which no role keeps unless it says why.

export type Capability =
  | 'CHOWN'
  | 'DAC_OVERRIDE'
  | 'FOWNER'
  | 'FSETID'
  | 'KILL'
  | 'SETUID'
  | 'SETGID'
  | 'NET_BIND_SERVICE'
  | 'NET_ADMIN'
  | 'NET_RAW'
  | 'SYS_CHROOT'
  | 'AUDIT_WRITE'

/** capability → why the role needs it (shown nowhere but here: the reason is the review) */
export type Capabilities = Partial<Record<Capability, string>>

/** A daemon that starts as root and runs as its own user, with root's probes and actions beside it. */
export const SERVICE_USER: Capabilities = {
  CHOWN: 'the entrypoint hands the data and /run directories to the service user',
  DAC_OVERRIDE: "root's probes, actions and entrypoint read and repair files the service user owns",
  FOWNER: "root changes modes of files the service user owns (sockets, pid files, data)",
  SETUID: 'the daemon starts as root and switches to its service user',
  SETGID: 'the daemon starts as root and switches to its service group',
  KILL: "root signals the service user's processes (reload, stop, fault actions)",
}

/** Serves a port below 1024. */
export const LOW_PORTS: Capabilities = { NET_BIND_SERVICE: 'it listens on ports below 1024' }

/** Every server: the engine loads its nftables firewall (firewall/apply.ts). NET_ADMIN is scoped to the
 *  container's own network namespace: it can change that server's addresses, routes and rules, no one else's. */
export const FIREWALL: Capabilities = { NET_ADMIN: "the engine loads the server's own nftables firewall" }

/** Every server: its sshd (ssh/start.ts); no PAM (it would need AUDIT_CONTROL). */
export const SSHD: Capabilities = {
  KILL: "sshd (root) ends its pre-auth child, which runs as the sshd user, when a login fails or times out",
  SETUID: "sshd's pre-auth child drops to the sshd user (privilege separation)",
  SETGID: "sshd's pre-auth child drops to the sshd group; the session sets root's groups",
  SYS_CHROOT: "sshd's pre-auth child is chrooted to /run/sshd",
  AUDIT_WRITE: "Debian's sshd writes a kernel audit record for each login on a PTY and ends the session when it can't",
}

/** Docker create-option view: the names to add back after dropping all, in a stable order. */
export function capabilityNames(c: Capabilities): string[] {
  return Object.keys(c).sort()
}

// How `racklab serve` prints what people open: the link (stdout, one per line, for scripts) and, for a room
// of people with phones and laptops, its QR code.
import type { ServeTls } from '../server/serve-tls'
import { qrText } from './terminal-qr'

/** `prefix` is printed before the link as it is ("trainer:  ", "ws-1: ") */
export function printLink(prefix: string, url: string, qr: boolean): void {
  process.stdout.write(`${prefix}${url}\n`)
  if (qr) process.stdout.write(qrText(url))
}

/** what the browser will say about a self-signed certificate, and how to tell it is this one */
export const tlsNotice = (host: string, tls: ServeTls): string =>
  `HTTPS on ${host} with a self-signed certificate made for this address (${tls.made ? 'new' : 'kept from the last serve'}). ` +
  `Browsers warn once: accept it only if it shows SHA-256 ${tls.fingerprint}`

import { randomBytes } from 'node:crypto'
import { chownSync, rmSync, writeFileSync } from 'node:fs'

/** A fresh password for a server we start: 144 random bits, URL-safe (A–Z a–z 0–9 - _), so it needs no escaping in URLs, SQL or config files. */
export function randomPassword(): string {
  return randomBytes(18).toString('base64url')
}

/** A file a server reads a secret from at startup (a password file, an init script, a config). */
export interface SecretFile {
  path: string
  content: string
}

/**
 * Writes `file` readable by its owner only (0600), given to `owner` when the server runs as
 * another user. Never through an existing file or link: whatever is at the path goes first.
 */
export function writeSecretFile(file: SecretFile, owner?: { uid?: number; gid?: number }): void {
  rmSync(file.path, { force: true })
  writeFileSync(file.path, file.content, { mode: 0o600, flag: 'wx' })
  if (owner?.uid !== undefined) chownSync(file.path, owner.uid, owner.gid ?? -1)
}

export function removeSecretFile(file: SecretFile): void {
  rmSync(file.path, { force: true })
}

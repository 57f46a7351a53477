import { randomBytes } from 'node:crypto'
import { renameSync, rmSync, writeFileSync } from 'node:fs'
import { rename, rm, writeFile } from 'node:fs/promises'

const tempName = (file: string) => `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`

/** Writes `file` through a temp file and a rename, so readers never see half a file. */
export async function writeFileAtomic(file: string, content: string): Promise<void> {
  const tmp = tempName(file)
  try {
    await writeFile(tmp, content)
    await rename(tmp, file)
  } catch (e) {
    await rm(tmp, { force: true })
    throw e
  }
}

/** The same, blocking: for a signal handler, where the process exits before any await resumes. */
export function writeFileAtomicSync(file: string, content: string): void {
  const tmp = tempName(file)
  try {
    writeFileSync(tmp, content)
    renameSync(tmp, file)
  } catch (e) {
    rmSync(tmp, { force: true })
    throw e
  }
}

import { accessSync, constants, readdirSync } from 'node:fs'
import path from 'node:path'

/** Finds an executable on PATH, then in `extraDirs` (e.g. /usr/lib/postgresql/15/bin). */
export function which(command: string, extraDirs: string[] = []): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(path.delimiter), ...extraDirs].filter(Boolean)
  for (const dir of dirs) {
    const candidate = path.join(dir, command)
    try {
      accessSync(candidate, constants.X_OK)
      return candidate
    } catch {
      // not here
    }
  }
  return undefined
}

/** Debian keeps PostgreSQL's server binaries off PATH, under /usr/lib/postgresql/<major>/bin. */
export function postgresBinDirs(): string[] {
  try {
    return readdirSync('/usr/lib/postgresql')
      .sort((a, b) => Number(b) - Number(a))
      .map((v) => `/usr/lib/postgresql/${v}/bin`)
  } catch {
    return []
  }
}

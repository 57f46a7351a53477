import { realpathSync } from 'node:fs'
import { isAbsolute, relative, resolve, sep } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { PerfError } from '../core/errors.ts'

const SCHEME = /^[a-z][a-z0-9+.-]*:/i

function refuse(message: string): never {
  throw new PerfError('PERF_MODULE_REFUSED', message)
}

function real(path: string, what: string): string {
  try {
    return realpathSync(path)
  } catch (cause) {
    throw new PerfError('PERF_LOAD_MODULE', `${what} ${path} does not exist (${(cause as NodeJS.ErrnoException).code ?? String(cause)}).`, {
      cause,
    })
  }
}

/**
 * The coordinator's side: the load module as a path relative to the project root, with `/`
 * separators, so drivers find it in their own checkout wherever that is.
 */
export function portableModulePath(href: string, root: string): string {
  if (!href.startsWith('file:')) {
    refuse(
      `A distributed run's load module must be a file of the project (new URL('./load.ts', import.meta.url)); ${href.slice(0, 80)} is not.`,
    )
  }
  const rootReal = real(root, 'The project root')
  const file = real(fileURLToPath(href), 'The load module')
  const rel = relative(rootReal, file)
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) {
    refuse(
      `The load module ${file} is outside the project root ${rootReal}; drivers load modules only under their --root. Move it into the project.`,
    )
  }
  return rel.split(sep).join('/')
}

/**
 * The driver's side: resolves a path the coordinator sent against `root` (realpath on both) and
 * returns its file URL; refuses URLs (`node:`, `data:`, `http(s):`, `file:`), absolute paths and
 * anything, symlinks included, that leads out of the root.
 */
export function resolveModulePath(path: string, root: string): string {
  if (path === '' || path.includes('\0')) refuse('The spec names no load module.')
  if (SCHEME.test(path))
    refuse(`Refused the load module "${path.slice(0, 80)}": drivers load files under their --root only, never URLs or built-ins.`)
  if (isAbsolute(path) || path.startsWith('\\') || /^[a-z]:/i.test(path))
    refuse(`Refused the load module "${path.slice(0, 200)}": the path must be relative to the project root, not absolute.`)
  const rootReal = real(root, 'The driver root')
  const lexical = resolve(rootReal, path)
  if (lexical !== rootReal && !lexical.startsWith(rootReal + sep))
    refuse(`Refused the load module "${path.slice(0, 200)}": it is outside the driver root ${rootReal}.`)
  const file = real(lexical, `The load module (under the driver root ${rootReal})`)
  if (!file.startsWith(rootReal + sep))
    refuse(`Refused the load module "${path.slice(0, 200)}": it is a link that leads out of the driver root ${rootReal} (to ${file}).`)
  return pathToFileURL(file).href
}

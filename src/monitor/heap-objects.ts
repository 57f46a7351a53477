import v8 from 'node:v8'

// V8 keeps the JIT's output (bytecode, baseline and optimised code, their metadata) in its code
// and trusted spaces, beside the read-only snapshot. That part grows for minutes while functions
// get compiled (600 KB in the first 15 s of an idle run inside Vitest) and is not the program's
// data: the heap the leak check judges is the rest, where JavaScript objects live.
const NOT_OBJECTS = /code|trusted|read_only/

/** Bytes used by JavaScript objects in V8's heap now: heapUsed without code and bytecode. */
export function heapObjectsUsed(): number {
  let used = 0
  for (const space of v8.getHeapSpaceStatistics()) if (!NOT_OBJECTS.test(space.space_name)) used += space.space_used_size
  return used
}

/** The same sum over the spaces of a `v8.GCProfiler` entry (before or after one collection). */
export function heapObjectsOf(spaces: readonly { spaceName: string; spaceUsedSize: number }[]): number {
  let used = 0
  for (const space of spaces) if (!NOT_OBJECTS.test(space.spaceName)) used += space.spaceUsedSize
  return used
}

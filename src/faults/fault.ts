/** Something that breaks a system on purpose and puts it back: the unit of every fault. */
export interface Fault {
  name: string
  start(): Promise<void>
  /** Must undo everything start() did, also when start() failed half-way. */
  stop(): Promise<void>
}

/**
 * Runs `fn` with the fault active and always stops it, also when `fn` throws:
 * `await withFault(faults.connectionExhaustion(postgres), async () => { … })`.
 */
export async function withFault<T>(fault: Fault, fn: () => Promise<T> | T): Promise<T> {
  try {
    await fault.start()
    return await fn()
  } finally {
    await fault.stop()
  }
}

/** `await using active = await activate(fault)`: stopped when the scope ends. */
export async function activate(fault: Fault): Promise<Fault & AsyncDisposable> {
  try {
    await fault.start()
  } catch (e) {
    await fault.stop()
    throw e
  }
  return Object.assign(Object.create(fault) as Fault, { [Symbol.asyncDispose]: () => fault.stop() }) as Fault & AsyncDisposable
}

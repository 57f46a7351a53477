import { describe, expect, it, vi } from 'vitest'

// guardedLookup re-checks localhost on every connect; a fake resolver stands in for /etc/hosts.
const answers = vi.hoisted(() => ({ current: [] as { address: string; family: number }[] }))
vi.mock('node:dns', () => ({
  lookup: (_host: string, _options: object, cb: (err: Error | null, addresses: { address: string; family: number }[]) => void) =>
    cb(null, answers.current),
}))

const { guardedLookup } = await import('../../src/http/hosts.ts')

function lookup(all: boolean): Promise<{ err: (Error & { code?: string }) | null; result: unknown[] }> {
  return new Promise((resolve) =>
    guardedLookup('localhost', { all }, (err, address, family) =>
      resolve({ err: err as (Error & { code?: string }) | null, result: [address, family] }),
    ),
  )
}

describe('guardedLookup', () => {
  it.each([
    [[{ address: '127.0.0.1', family: 4 }], true],
    [
      [
        { address: '::1', family: 6 },
        { address: '127.0.0.1', family: 4 },
      ],
      true,
    ],
    [[{ address: '192.0.2.1', family: 4 }], false],
    [
      [
        { address: '127.0.0.1', family: 4 },
        { address: '2001:db8::1', family: 6 },
      ],
      false,
    ],
  ])('localhost → %j: allowed %s', async (addresses, allowed) => {
    answers.current = addresses
    const { err } = await lookup(true)
    if (allowed) expect(err).toBeNull()
    else
      expect(err).toMatchObject({ code: 'PERF_HTTP_HOST_NOT_ALLOWED', message: expect.stringContaining('which is not a loopback address') })
  })

  it('answers in the form net.connect asked for', async () => {
    answers.current = [{ address: '127.0.0.1', family: 4 }]
    expect((await lookup(false)).result).toEqual(['127.0.0.1', 4])
    expect((await lookup(true)).result).toEqual([[{ address: '127.0.0.1', family: 4 }], undefined])
  })
})

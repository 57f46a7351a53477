import { describe, expect, it } from 'vitest'
import { PerfFaultConfigError } from '../../src/faults/proxy-errors.ts'
import { validateProxyOptions } from '../../src/faults/proxy-options.ts'
import { validateToxic } from '../../src/faults/toxic-options.ts'

function problemsOf(fn: () => unknown): { path: string; message: string }[] {
  try {
    fn()
  } catch (e) {
    expect(e).toBeInstanceOf(PerfFaultConfigError)
    return (e as PerfFaultConfigError).problems
  }
  throw new Error('expected a PerfFaultConfigError')
}

describe('validateToxic: defaults', () => {
  it.each([
    [
      { type: 'latency', attributes: { latency: 100 } },
      { name: 'latency_downstream', stream: 'downstream', toxicity: 1, attributes: { latency: 100, jitter: 0 } },
    ],
    [
      { type: 'latency', stream: 'upstream', attributes: { latency: 5, jitter: 2 } },
      { name: 'latency_upstream', stream: 'upstream', attributes: { latency: 5, jitter: 2 } },
    ],
    [
      { type: 'bandwidth', attributes: { rate: 0.5 } },
      { name: 'bandwidth_downstream', attributes: { rate: 0.5 } },
    ],
    [{ type: 'timeout' }, { attributes: { timeout: 0 } }],
    [{ type: 'reset_peer', attributes: { timeout: 200 } }, { attributes: { timeout: 200 } }],
    [
      { type: 'slow_close', name: 'close', toxicity: 0.25 },
      { name: 'close', toxicity: 0.25, attributes: { delay: 0 } },
    ],
    [{ type: 'slicer', attributes: { average_size: 64 } }, { attributes: { average_size: 64, size_variation: 0, delay: 0 } }],
    [{ type: 'limit_data', attributes: { bytes: 0 } }, { attributes: { bytes: 0 } }],
    [{ type: 'down' }, { name: 'down_downstream', toxicity: 1, attributes: {} }],
  ])('%j', (input, expected) => {
    expect(validateToxic(input)).toMatchObject(expected)
  })
})

describe('validateToxic: problems', () => {
  it.each([
    [
      { type: 'latncy' },
      [['type', 'must be one of latency, bandwidth, timeout, reset_peer, slow_close, slicer, limit_data, down, got "latncy"']],
    ],
    [{ type: 'latency' }, [['attributes.latency', 'is required for latency (a number of milliseconds)']]],
    [
      { type: 'latency', attributes: { latency: '100ms' } },
      [['attributes.latency', 'got the string "100ms"; write the number alone (100)']],
    ],
    [{ type: 'latency', attributes: { latency: -1 } }, [['attributes.latency', 'must be a number of milliseconds ≥ 0, got -1']]],
    [
      { type: 'latency', attributes: { latency: 10, jiter: 5 } },
      [['attributes.jiter', "unknown attribute for latency; it takes latency, jitter (did you mean 'jitter'?)"]],
    ],
    [
      { type: 'latency', latency: 10 },
      [
        ['latency', 'put latency under attributes'],
        ['attributes.latency', 'is required'],
      ],
    ],
    [{ type: 'bandwidth', attributes: { rate: 0 } }, [['attributes.rate', 'must be a number of KB/s > 0, got 0']]],
    [
      { type: 'slicer', attributes: { average_size: 10.5 } },
      [['attributes.average_size', 'must be a whole number of bytes ≥ 1, got 10.5']],
    ],
    [
      { type: 'slicer', attributes: { average_size: 10, size_variation: 10 } },
      [['attributes.size_variation', 'must be smaller than average_size (10), got 10']],
    ],
    [{ type: 'limit_data', attributes: { bytes: Number.NaN } }, [['attributes.bytes', 'must be a whole number of bytes ≥ 0']]],
    [{ type: 'timeout', attributes: { timeout: 3e9 } }, [['attributes.timeout', 'must be at most 2147483647 ms']]],
    [{ type: 'down', attributes: { x: 1 } }, [['attributes.x', 'down takes no attributes']]],
    [{ type: 'down', toxicity: 0.5 }, [['toxicity', 'must be 1 for down']]],
    [
      { type: 'reset_peer', stream: 'up' },
      [['stream', "must be 'upstream' (client → server) or 'downstream' (server → client), got \"up\""]],
    ],
    [{ type: 'timeout', toxicity: 1.5 }, [['toxicity', 'must be a probability from 0 to 1, got 1.5']]],
    [{ type: 'timeout', name: '' }, [['name', 'must be a non-empty string']]],
    [{ type: 'timeout', attributes: [] }, [['attributes', 'must be an object']]],
  ])('%j', (input, expected) => {
    const problems = problemsOf(() => validateToxic(input))
    expect(problems).toHaveLength(expected.length)
    expected.forEach(([path, message], i) => {
      expect(problems[i].path).toBe(path)
      expect(problems[i].message).toContain(message)
    })
  })

  it('reports every problem at once, in one message with code and paths', () => {
    let error: PerfFaultConfigError | undefined
    try {
      validateToxic({ type: 'slicer', stream: 'sideways', toxicity: -1, attributes: { average_size: 0, delay: 'soon', extra: true } })
    } catch (e) {
      error = e as PerfFaultConfigError
    }
    expect(error?.code).toBe('PERF_FAULT_TOXIC_INVALID')
    expect(error?.problems.map((p) => p.path)).toEqual([
      'stream',
      'toxicity',
      'attributes.average_size',
      'attributes.delay',
      'attributes.extra',
    ])
    expect(error?.message).toMatch(/^Invalid toxic "slicer_sideways" \(5 problems\); nothing was changed:\n {2}- stream: /)
  })

  it.each([null, 'latency', 42, []])('rejects a non-object toxic %j', (input) => {
    expect(problemsOf(() => validateToxic(input))[0].message).toContain("must be an object like { type: 'latency'")
  })
})

describe('validateProxyOptions', () => {
  it('takes a fixture-like upstream and defaults to a free port', () => {
    const fixture = { service: 'postgres', host: '127.0.0.1', port: 5432, url: 'postgres://u@127.0.0.1:5432/db', user: 'u' }
    expect(validateProxyOptions({ upstream: fixture })).toEqual({
      upstream: { host: '127.0.0.1', port: 5432, url: fixture.url },
      listenPort: 0,
    })
    expect(validateProxyOptions({ upstream: fixture, listen: { port: 15432 } }).listenPort).toBe(15432)
  })

  it('lists every problem at once', () => {
    const problems = problemsOf(() =>
      validateProxyOptions({ upstream: { host: '', port: 70000, url: 5 }, listen: { host: '0.0.0.0', port: -1 }, port: 1 }),
    )
    expect(problems.map((p) => p.path).sort()).toEqual([
      'listen.host',
      'listen.port',
      'port',
      'upstream.host',
      'upstream.port',
      'upstream.url',
    ])
    const message = (path: string) => problems.find((p) => p.path === path)?.message
    expect(message('port')).toContain('put port under upstream')
    expect(message('listen.host')).toContain('always listens on 127.0.0.1')
    expect(message('upstream.port')).toBe('must be a whole number from 1 to 65535, got 70000')
  })

  it.each([undefined, {}, { upstream: 'localhost:5432' }])('needs an upstream: %j', (input) => {
    const problems = problemsOf(() => validateProxyOptions(input))
    expect(problems).toHaveLength(1)
    expect(problems[0].message).toMatch(/upstream: postgres/)
  })
})

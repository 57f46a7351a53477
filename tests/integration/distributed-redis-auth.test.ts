import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { rootCertificates, setDefaultCACertificates, getCACertificates } from 'node:tls'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runLoad } from '../../src/run/run-load.ts'
import { freePort, portOpen } from '../../src/infra/free-port.ts'
import { driverKeyFile, startDrivers, stopDrivers, type Driver } from '../../examples/distributed/drivers.ts'
import { startTarget, type Target } from '../../examples/distributed/target.ts'

// A redis-server of our own in a temp dir: a password for the default user, an ACL user limited
// to its keys, and TLS on a second port (Debian's 7.0 build has it), stopped after.
const dir = mkdtempSync(join(tmpdir(), 'vitest-perf-redis-auth-'))
const LOAD = new URL('../../examples/distributed/ping-load.ts', import.meta.url)
let server: ChildProcess | undefined
let port = 0
let tlsPort = 0
let target: Target
let drivers: Driver[] = []
const ca = join(dir, 'ca.pem')
const caDefaults = getCACertificates('default')

function startServer(): ChildProcess {
  return spawn(
    'redis-server',
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--dir',
      dir,
      '--save',
      '',
      '--appendonly',
      'no',
      '--requirepass',
      'default-secret',
      '--user',
      'vp',
      'on',
      '>vp-secret',
      '~vp-*',
      '&*',
      '+@all',
      '--tls-port',
      String(tlsPort),
      '--tls-cert-file',
      join(dir, 'cert.pem'),
      '--tls-key-file',
      join(dir, 'key.pem'),
      '--tls-ca-cert-file',
      ca,
      '--tls-auth-clients',
      'no',
    ],
    { stdio: 'ignore' },
  )
}

beforeAll(async () => {
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
      '-keyout',
      join(dir, 'key.pem'),
      '-out',
      join(dir, 'cert.pem'),
    ],
    { stdio: 'ignore' },
  )
  execFileSync('cp', [join(dir, 'cert.pem'), ca])
  port = await freePort()
  tlsPort = await freePort()
  server = startServer()
  for (let i = 0; i < 100 && !(await portOpen('127.0.0.1', tlsPort)); i++) await new Promise((r) => setTimeout(r, 50))
  target = await startTarget()
  // The coordinator (this process) trusts the test CA; the drivers get it through NODE_EXTRA_CA_CERTS.
  setDefaultCACertificates([...rootCertificates, readFileSync(ca, 'utf8')])
}, 30_000)

afterAll(async () => {
  setDefaultCACertificates(caDefaults)
  await stopDrivers(drivers)
  await target?.close()
  server?.kill('SIGTERM')
  rmSync(dir, { recursive: true, force: true })
})

async function oneRun(url: string, prefix: string) {
  drivers = await startDrivers(1, url, prefix)
  const result = await runLoad(
    { executor: 'constant-vus', vus: 1, duration: '1s', distributed: { redis: url, drivers: 1, prefix, keyFile: driverKeyFile() } },
    { module: LOAD, data: { url: target.url } },
    { attach: false, monitor: false },
  )
  await stopDrivers(drivers)
  return result
}

describe('Redis with an ACL user, a password and TLS', () => {
  it('a run through an ACL user (redis://user:password@…)', { timeout: 60_000 }, async () => {
    const result = await oneRun(`redis://vp:vp-secret@127.0.0.1:${port}`, 'vp-acl')
    expect(result.iterations).toBeGreaterThan(0)
  })

  it('a driver with a wrong password exits 1 and says why', { timeout: 30_000 }, async () => {
    const error = await startDrivers(1, `redis://vp:wrong@127.0.0.1:${port}`, 'vp-wrong').catch((e: Error) => e)
    expect(String(error)).toMatch(/WRONGPASS|NOAUTH/)
  })

  it('a run over TLS (rediss://)', { timeout: 60_000 }, async () => {
    process.env.NODE_EXTRA_CA_CERTS = ca
    try {
      const result = await oneRun(`rediss://vp:vp-secret@127.0.0.1:${tlsPort}`, 'vp-tls')
      expect(result.iterations).toBeGreaterThan(0)
    } finally {
      delete process.env.NODE_EXTRA_CA_CERTS
    }
  })

  it('a driver that loses Redis logs it once and exits 1 after --give-up', { timeout: 60_000 }, async () => {
    const [d] = (drivers = await startDrivers(1, `redis://vp:vp-secret@127.0.0.1:${port}`, 'vp-lost', ['--give-up', '2s']))
    server?.kill('SIGTERM')
    const code = await new Promise<number | null>((resolve) => d.child.once('exit', resolve))
    expect(code).toBe(1)
    expect(d.output().match(/lost Redis/g)).toHaveLength(1)
    expect(d.output()).toContain('PERF_DRIVER_REDIS_LOST')
    expect(d.output()).toMatch(/unreachable for \d+s/)
    server = startServer()
  })
})

import { describe, expect, it } from 'vitest'
import { PerfInfraError } from '../../src/core/errors.ts'
import { mongoUrlFor, parseMongoUrl } from '../../src/infra/services/mongodb.ts'

describe('mongodb URLs', () => {
  it.each([
    ['mongodb://127.0.0.1:27017/shop', { host: '127.0.0.1', port: 27017, user: '', password: '', database: 'shop' }],
    ['mongodb://app:s%40cret@db.local/admin', { host: 'db.local', port: 27017, user: 'app', password: 's@cret', database: 'admin' }],
    ['mongodb://127.0.0.1:27018', { host: '127.0.0.1', port: 27018, user: '', password: '', database: 'admin' }],
  ])('parses %s', (url, parts) => {
    expect(parseMongoUrl(url)).toEqual(parts)
  })

  it.each(['http://127.0.0.1:27017', 'not a url', 'postgres://x@y/z'])('rejects %s with the form to use', (url) => {
    expect(() => parseMongoUrl(url)).toThrow(PerfInfraError)
    expect(() => parseMongoUrl(url)).toThrow(/write it as mongodb:\/\/\[user:password@\]127\.0\.0\.1:27017\/database/)
  })

  it('points a per-file database at the same server, keeping credentials and adding authSource', () => {
    expect(mongoUrlFor('mongodb://app:pw@127.0.0.1:27017/admin?directConnection=true', 'vp_x')).toBe(
      'mongodb://app:pw@127.0.0.1:27017/vp_x?directConnection=true&authSource=admin',
    )
    expect(mongoUrlFor('mongodb://127.0.0.1:27017/', 'vp_y')).toBe('mongodb://127.0.0.1:27017/vp_y')
  })
})

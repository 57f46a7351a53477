import { MongoClient } from 'mongodb'
import { expect } from 'vitest'
import { perfTest } from 'vitest-perf'

// Skips with the list of providers tried where no MongoDB can be had (our machines); runs a real
// query wherever VITEST_PERF_MONGODB_URL, Docker or a mongod binary gives one.
perfTest('mongodb fixture runs a real query', async ({ mongodb }) => {
  const client = new MongoClient(mongodb.url)
  await client.connect()
  try {
    const orders = client.db(mongodb.database).collection('orders')
    await orders.insertOne({ id: 1, total: 42 })
    expect(await orders.countDocuments()).toBe(1)
    expect(mongodb.database).toMatch(/^vp_/)
  } finally {
    await client.close()
  }
})

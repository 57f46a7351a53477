import type { Collection, Db, Document, IndexSpecification, MongoClient } from 'mongodb'
import { importOptional } from '../core/optional-package.ts'
import type { ConnectionSpec } from './connection-spec.ts'

export interface MongoHandle {
  client: MongoClient
  db: Db
}

/** A MongoClient (its own pool of `poolSize`) and the target's database; connects on first use. */
export async function mongoHandle(spec: ConnectionSpec, poolSize: number): Promise<MongoHandle> {
  const { MongoClient: Client } = await importOptional<typeof import('mongodb')>('mongodb', 'a workflow on MongoDB')
  const auth = spec.user ? `${encodeURIComponent(spec.user)}:${encodeURIComponent(spec.password ?? '')}@` : ''
  const client = new Client(spec.url ?? `mongodb://${auth}${spec.host}:${spec.port ?? 27017}`, { maxPoolSize: poolSize })
  return { client, db: client.db(spec.database) }
}

/** Indexes per collection name (without the prefix). */
export type Indexes = Record<string, { keys: Record<string, 1>; unique?: boolean }[]>

/** createIndex is idempotent, so setup() may run again. */
export async function ensureIndexes(mongo: MongoHandle, prefix: string, indexes: Indexes): Promise<void> {
  for (const [name, list] of Object.entries(indexes)) {
    for (const { keys, unique } of list)
      await mongo.db.collection(`${prefix}${name}`).createIndex(keys as IndexSpecification, { unique: unique ?? false })
  }
}

/** The indexes as describe().schema shows them. */
export function indexList(prefix: string, indexes: Indexes): string[] {
  return Object.entries(indexes).flatMap(([name, list]) =>
    list.map(({ keys, unique }) => `${prefix}${name}: ${JSON.stringify(keys)}${unique ? ' unique' : ''}`),
  )
}

/** A sequence, as SQL's serial: one counter document per name. */
export async function nextId(counters: Collection, name: string): Promise<number> {
  const doc = await counters.findOneAndUpdate({ _id: name as never }, { $inc: { seq: 1 } }, { upsert: true, returnDocument: 'after' })
  return Number(doc?.seq)
}

/** Inserts reference documents by _id, leaving existing ones alone: setup() may run again. */
export async function seedDocuments(collection: Collection, docs: Document[]): Promise<void> {
  if ((await collection.estimatedDocumentCount()) >= docs.length) return
  for (let i = 0; i < docs.length; i += 1000) {
    // The _id comes from the filter; naming it again in $setOnInsert is refused as a change of _id.
    const ops = docs
      .slice(i, i + 1000)
      .map(({ _id, ...rest }) => ({ updateOne: { filter: { _id }, update: { $setOnInsert: rest }, upsert: true } }))
    await collection.bulkWrite(ops, { ordered: false })
  }
}

export async function countDocuments(mongo: MongoHandle, names: string[]): Promise<Record<string, number>> {
  const counts: Record<string, number> = {}
  for (const n of names) counts[n] = await mongo.db.collection(n).countDocuments()
  return counts
}

/** Operations as describe() shows them; -1 stands for the batch or run id bound per execution. */
export function shownOps(ops: Record<string, Document[]>): Record<string, string[]> {
  return Object.fromEntries(Object.entries(ops).map(([step, list]) => [step, list.map((op) => JSON.stringify(op))]))
}

/**
 * The one seeded PRNG of the project (mulberry32) and a string/number hash to derive independent streams:
 * `prng(seed, 'ingest', iteration)` gives the same sequence for the same parts on every
 * machine and Node version, which Math.random() cannot.
 */
export class Prng {
  private state: number

  constructor(seed: number) {
    this.state = seed >>> 0
  }

  /** A float in [0, 1). */
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0)
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }

  /** An integer in [min, max], both included. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1))
  }

  /** A float in [min, max) rounded to `digits` decimals. */
  float(min: number, max: number, digits = 2): number {
    const f = 10 ** digits
    return Math.round((min + this.next() * (max - min)) * f) / f
  }

  chance(p: number): boolean {
    return this.next() < p
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)]
  }

  /** `n` distinct items, in a seeded order. */
  sample<T>(items: readonly T[], n: number): T[] {
    const copy = [...items]
    for (let i = copy.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1))
      ;[copy[i], copy[j]] = [copy[j], copy[i]]
    }
    return copy.slice(0, n)
  }

  /** Index into `weights` drawn in proportion to them. */
  weighted(weights: readonly number[]): number {
    const total = weights.reduce((a, b) => a + b, 0)
    let r = this.next() * total
    for (let i = 0; i < weights.length; i++) {
      r -= weights[i]
      if (r < 0) return i
    }
    return weights.length - 1
  }

  /** Lower-case letters and spaces; `len` characters. */
  text(len: number): string {
    let s = ''
    for (let i = 0; i < len; i++) s += i % 6 === 5 ? ' ' : String.fromCharCode(97 + this.int(0, 25))
    return s
  }
}

/** FNV-1a over the parts, then a murmur3 finaliser so nearby seeds give unrelated streams. */
export function hashParts(parts: readonly (string | number)[]): number {
  let h = 0x811c9dc5
  for (const part of parts) {
    const s = `${part}\u0000`
    for (let i = 0; i < s.length; i++) {
      h ^= s.charCodeAt(i)
      h = Math.imul(h, 0x01000193)
    }
  }
  h ^= h >>> 16
  h = Math.imul(h, 0x85ebca6b)
  h ^= h >>> 13
  h = Math.imul(h, 0xc2b2ae35)
  h ^= h >>> 16
  return h >>> 0
}

export function prng(...parts: (string | number)[]): Prng {
  return new Prng(hashParts(parts))
}

/** The same generator as a bare function: bootstrap intervals and random fault slots. */
export function seededRandom(seed: number): () => number {
  const p = new Prng(seed)
  return () => p.next()
}

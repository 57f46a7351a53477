// The scenario's workload knobs: fixed-width keys and values, a key space the reads spread over.
export const KEY_SIZE = 16
export const VALUE_SIZE = 256
export const KEY_SPACE = 10_000

/** 'k000000000000042': every key is KEY_SIZE bytes. */
export const key = (i: number): string => `k${String(i).padStart(KEY_SIZE - 1, '0')}`

/** One value buffer, sent as the body of every write. */
export const value = Buffer.alloc(VALUE_SIZE, 'v')

/** The stress test's values are bigger, so the memory the keys hold stands out from the rest. */
export const STRESS_VALUE_SIZE = 4096
export const stressValue = Buffer.alloc(STRESS_VALUE_SIZE, 's')

/** Iteration n → a key id scattered over the key space (a multiplicative hash, so no hot key). */
export const spread = (n: number, space = KEY_SPACE): number => (n * 7919) % space

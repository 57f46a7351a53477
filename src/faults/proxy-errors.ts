// The fault errors live in src/core/errors.ts, where errors crossing the broker are rebuilt.
export { PerfFaultConfigError, PerfFaultError, type FaultErrorCode } from '../core/errors.ts'

/**
 * The value of one metric in Prometheus text format, summed over its series that carry `labels`
 * (all of them when none are given). Enough to read a scrape in a test; not a full parser.
 */
export function promValue(text: string, name: string, labels: Record<string, string> = {}): number {
  let sum = 0
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][\w:]*)(\{[^}]*\})?\s+(\S+)/.exec(line)
    if (!m || m[1] !== name) continue
    const series = m[2] ?? ''
    if (Object.entries(labels).every(([k, v]) => series.includes(`${k}="${v}"`))) sum += Number(m[3])
  }
  return sum
}

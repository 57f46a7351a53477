// Styles of report.html, after uPlot's own. Light only: the charts are drawn on canvas in fixed colours.
export const REPORT_CSS = `
:root { --fg: #111827; --muted: #6b7280; --line: #e5e7eb; --bg: #f3f4f6; --card: #ffffff;
  --good: #15803d; --good-bg: #dcfce7; --acceptable: #a16207; --acceptable-bg: #fef9c3;
  --marginal: #c2410c; --marginal-bg: #ffedd5; --poor: #b91c1c; --poor-bg: #fee2e2; }
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--fg); font: 14px/1.45 system-ui, -apple-system, 'Segoe UI', 'Liberation Sans', sans-serif; }
header.top { background: #111827; color: #f9fafb; padding: 20px 32px; }
header.top h1 { margin: 0 0 4px; font-size: 22px; font-weight: 650; letter-spacing: -0.01em; }
header.top .meta { color: #d1d5db; margin: 0; }
header.top .interrupted { margin: 0 0 6px; color: #fecaca; font-weight: 650; }
header.top .chips { margin-top: 10px; display: flex; gap: 8px; flex-wrap: wrap; }
main { padding: 20px 32px 32px; max-width: 1500px; margin: 0 auto; }
.card { background: var(--card); border: 1px solid var(--line); border-radius: 10px; padding: 18px 20px; margin-bottom: 20px; box-shadow: 0 1px 2px rgb(0 0 0 / 0.04); }
h2 { font-size: 18px; margin: 0; }
h3 { font-size: 13px; font-weight: 600; margin: 0 0 6px; color: #374151; }
.meta { color: var(--muted); font-size: 13px; }
a { color: #1d4ed8; text-decoration: none; }
a:hover { text-decoration: underline; }
table.data { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; }
.data th, .data td { padding: 6px 8px; border-bottom: 1px solid var(--line); text-align: left; white-space: nowrap; }
.data th { font-size: 11px; font-weight: 600; color: var(--muted); text-transform: uppercase; letter-spacing: 0.04em; white-space: normal; vertical-align: bottom; }
.data td.num, .data th.num { text-align: right; }
.data td.wrap { white-space: normal; min-width: 150px; }
.data tr.scenario td { color: var(--muted); }
.data tr.scenario td:first-child { padding-left: 24px; }
.data tr:last-child td { border-bottom: none; }
.scroll { overflow-x: auto; }
.badge { display: inline-block; padding: 1px 9px; border-radius: 999px; font-size: 12px; font-weight: 600; border: 1px solid transparent; }
.grade-good { color: var(--good); background: var(--good-bg); }
.grade-acceptable { color: var(--acceptable); background: var(--acceptable-bg); }
.grade-marginal { color: var(--marginal); background: var(--marginal-bg); }
.grade-poor { color: var(--poor); background: var(--poor-bg); }
.verdict-pass { color: var(--good); border-color: #86efac; }
.verdict-fail { color: var(--poor); border-color: #fca5a5; }
.verdict-other { color: var(--muted); border-color: var(--line); }
header.top .badge { border-color: transparent; }
.dot { display: inline-block; width: 8px; height: 8px; border-radius: 50%; margin-right: 6px; vertical-align: 1px; }
.dot.grade-good { background: var(--good); } .dot.grade-acceptable { background: #ca8a04; }
.dot.grade-marginal { background: #ea580c; } .dot.grade-poor { background: var(--poor); }
.run-head { display: flex; align-items: center; gap: 10px; flex-wrap: wrap; }
.run-head .meta { margin: 0; flex-basis: 100%; }
.tiles { display: grid; grid-template-columns: repeat(auto-fit, minmax(100px, 1fr)); gap: 10px; margin: 14px 0 16px; }
.tile { border: 1px solid var(--line); border-radius: 8px; padding: 8px 10px; min-width: 0; }
.tile.wide { grid-column: span 2; }
.tile .k { font-size: 12px; color: var(--muted); }
.tile .v { white-space: nowrap; font-size: 17px; font-weight: 650; font-variant-numeric: tabular-nums; }
.tile .s { font-size: 12px; color: var(--muted); }
.charts { display: grid; grid-template-columns: repeat(2, minmax(0, 1fr)); gap: 18px 22px; }
@media (max-width: 900px) { .charts { grid-template-columns: minmax(0, 1fr); } }
figure.chart { margin: 0; min-width: 0; }
figure.chart > div { width: 100%; min-height: 240px; }
.uplot { font-family: inherit; }
.u-legend { font-size: 12px; }
.sub { margin-top: 16px; }
details summary { cursor: pointer; color: var(--muted); font-size: 13px; }
pre { background: #f9fafb; border: 1px solid var(--line); border-radius: 6px; padding: 10px; overflow: auto; font-size: 12px; }
.ok { color: var(--good); font-weight: 600; } .bad { color: var(--poor); font-weight: 600; }
footer { color: var(--muted); font-size: 12px; padding: 0 32px 32px; max-width: 1500px; margin: 0 auto; }
footer table.data { width: auto; background: var(--card); border: 1px solid var(--line); border-radius: 8px; }
`

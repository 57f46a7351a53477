// The script of report.html. It runs in the browser with uPlot inlined before it, reads the chart
// specs (ChartSpec[], built in Node by html-data.ts) from a JSON script tag and draws them.
// Plain ES2019 without template literals, so it can live in this string as is.
export const CLIENT_SCRIPT = `(function () {
  'use strict'
  var data = JSON.parse(document.getElementById('vitest-perf-data').textContent)

  function num(v, digits) { return String(+v.toFixed(digits)) }

  function fmt(v, unit) {
    if (v == null) return '\\u2013'
    if (unit === 'ms') return v >= 1000 ? num(v / 1000, 2) + ' s' : num(v, v >= 100 ? 0 : 2) + ' ms'
    if (unit === '/s') return num(v, v >= 100 ? 0 : 1) + '/s'
    if (unit === '%') return num(v, 1) + '%'
    if (unit === 'MB') return v >= 1024 ? num(v / 1024, 2) + ' GB' : num(v, 1) + ' MB'
    return num(v, 2)
  }

  function seconds(v) {
    if (v < 120) return num(v, 2) + 's'
    var m = Math.floor(v / 60)
    var s = Math.round(v - m * 60)
    return s ? m + 'm' + s + 's' : m + 'm'
  }

  // x = 1 / (1 - q): 1 is the median side, 10 is p90, 100 is p99 ...
  function percentile(x) {
    if (x <= 1) return '0%'
    return num(100 * (1 - 1 / x), 4) + '%'
  }

  function decades(u, axis, min, max) {
    var out = []
    for (var v = 1; v <= max * 1.0001; v *= 10) if (v >= min * 0.9999) out.push(v)
    return out
  }

  function zeroBased(u, min, max) {
    return [0, max > 0 ? max * 1.08 : 1]
  }

  // Shades fault windows under the series (drawClear runs before axes and lines) and labels them on top.
  function faultPlugin(faults) {
    function spans(u) {
      return faults.map(function (f) {
        var x0 = Math.max(u.bbox.left, u.valToPos(f.start, 'x', true))
        var x1 = Math.min(u.bbox.left + u.bbox.width, u.valToPos(f.end, 'x', true))
        return { x0: x0, x1: Math.max(x1, x0 + 2 * uPlot.pxRatio), label: f.label }
      })
    }
    return {
      hooks: {
        drawClear: [function (u) {
          var ctx = u.ctx
          ctx.save()
          ctx.fillStyle = 'rgba(220, 38, 38, 0.10)'
          spans(u).forEach(function (s) { ctx.fillRect(s.x0, u.bbox.top, s.x1 - s.x0, u.bbox.height) })
          ctx.restore()
        }],
        draw: [function (u) {
          var ctx = u.ctx
          ctx.save()
          ctx.fillStyle = '#b91c1c'
          ctx.font = (11 * uPlot.pxRatio) + 'px system-ui, sans-serif'
          ctx.textBaseline = 'top'
          spans(u).forEach(function (s) { ctx.fillText(s.label, s.x0 + 4 * uPlot.pxRatio, u.bbox.top + 4 * uPlot.pxRatio) })
          ctx.restore()
        }],
      },
    }
  }

  // The right axis takes the colour of its series, so it is clear which line it measures.
  function rightColor(spec) {
    var right = spec.series.filter(function (s) { return s.axis === 2 })
    return right.length === 1 ? right[0].color : '#4b5563'
  }

  function options(spec, width) {
    var isPct = spec.kind === 'percentile'
    var series = [{ label: isPct ? 'percentile' : 'time', value: function (u, v) { return v == null ? '' : isPct ? percentile(v) : seconds(v) } }]
    spec.series.forEach(function (s) {
      var unit = spec.units[(s.axis || 1) - 1]
      series.push({
        label: s.label,
        stroke: s.color,
        width: 2,
        scale: s.axis === 2 ? 'y2' : 'y',
        paths: spec.stepped ? uPlot.paths.stepped({ align: 1 }) : undefined,
        points: { show: !spec.stepped && spec.x.length <= 40, size: 5 },
        value: function (u, v) { return fmt(v, unit) },
      })
    })
    var grid = { stroke: '#e5e7eb', width: 1 }
    var ticks = { stroke: '#d1d5db', width: 1 }
    var axes = [{
      stroke: '#4b5563', grid: grid, ticks: ticks,
      splits: isPct ? decades : undefined,
      values: function (u, splits) { return splits.map(isPct ? percentile : seconds) },
    }, {
      scale: 'y', stroke: '#4b5563', grid: grid, ticks: ticks, size: 72,
      values: function (u, splits) { return splits.map(function (v) { return fmt(v, spec.units[0]) }) },
    }]
    if (spec.units.length > 1) {
      axes.push({
        scale: 'y2', side: 1, stroke: rightColor(spec), grid: { show: false }, ticks: ticks, size: 64,
        values: function (u, splits) { return splits.map(function (v) { return fmt(v, spec.units[1]) }) },
      })
    }
    return {
      width: width,
      height: 240,
      scales: {
        x: isPct ? { time: false, distr: 3, log: 10 } : { time: false, range: function (u, min, max) { return [0, Math.max(max, spec.xMax || 0) || 1] } },
        y: { range: zeroBased },
        y2: { range: zeroBased },
      },
      series: series,
      axes: axes,
      cursor: { drag: { x: true, y: false } },
      plugins: spec.faults.length ? [faultPlugin(spec.faults)] : [],
    }
  }

  var plots = []
  data.charts.forEach(function (spec) {
    var el = document.getElementById(spec.id)
    if (!el) return
    try {
      var values = [spec.x].concat(spec.series.map(function (s) { return s.values }))
      plots.push({ plot: new uPlot(options(spec, el.clientWidth), values, el), el: el })
    } catch (error) {
      el.textContent = 'This chart could not be drawn: ' + error
      console.error('vitest-perf: chart ' + spec.id + ' failed', error)
    }
  })

  var pending = 0
  window.addEventListener('resize', function () {
    cancelAnimationFrame(pending)
    pending = requestAnimationFrame(function () {
      plots.forEach(function (p) { p.plot.setSize({ width: p.el.clientWidth, height: 240 }) })
    })
  })
  document.documentElement.setAttribute('data-charts-drawn', String(plots.length))
})()
`

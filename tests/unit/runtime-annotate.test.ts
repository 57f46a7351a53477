import { afterEach, describe, expect, it, vi } from 'vitest'
import { annotateRun, ANNOTATION_TYPE, setAnnotationRenderer } from '../../src/runtime/annotate.ts'
import { fakeResult } from '../helpers/run-result.ts'

const svg = '<svg xmlns="http://www.w3.org/2000/svg"></svg>'

// The setup file installed the broker's renderer for this file; each test sets its own.
afterEach(() => setAnnotationRenderer(undefined))

describe('annotateRun', () => {
  it('annotates the test with the summary line and the SVG as an image attachment', async () => {
    const render = vi.fn(async () => ({ message: '50.5/s · p95 40.0 ms', svg }))
    const annotate = vi.fn(async () => ({}))
    setAnnotationRenderer(render)
    const result = fakeResult()
    await annotateRun(result, { name: 'orders', annotate })
    expect(render).toHaveBeenCalledWith(result, 'orders')
    expect(annotate).toHaveBeenCalledWith('50.5/s · p95 40.0 ms', ANNOTATION_TYPE, {
      body: Buffer.from(svg).toString('base64'),
      contentType: 'image/svg+xml',
    })
  })

  it('annotates without an attachment when there is no chart', async () => {
    const annotate = vi.fn(async () => ({}))
    setAnnotationRenderer(async () => ({ message: 'm' }))
    await annotateRun(fakeResult(), { name: 'orders', annotate })
    expect(annotate).toHaveBeenCalledWith('m', 'vitest-perf', undefined)
  })

  it('does nothing when perf({ annotate: false }) left no renderer, or outside a test', async () => {
    const annotate = vi.fn(async () => ({}))
    await annotateRun(fakeResult(), { name: 'orders', annotate })
    expect(annotate).not.toHaveBeenCalled()
    const render = vi.fn(async () => ({ message: 'm' }))
    setAnnotationRenderer(render)
    await annotateRun(fakeResult(), undefined)
    expect(render).not.toHaveBeenCalled()
  })

  it('skips quietly, with one debug note under DEBUG=vitest-perf, where Vitest has no annotate()', async () => {
    const render = vi.fn(async () => ({ message: 'm' }))
    setAnnotationRenderer(render)
    const debug = vi.spyOn(console, 'debug').mockImplementation(() => {})
    vi.stubEnv('DEBUG', 'vitest-perf')
    try {
      await annotateRun(fakeResult(), { name: 'orders' })
      await annotateRun(fakeResult(), { name: 'orders', annotate: 'not a function' })
      expect(render).not.toHaveBeenCalled()
      expect(debug).toHaveBeenCalledTimes(1)
      expect(debug.mock.calls[0][0]).toMatch(/^vitest-perf: this Vitest has no context\.annotate\(\)/)
    } finally {
      vi.unstubAllEnvs()
      debug.mockRestore()
    }
  })

  it('never fails the test: a broker or annotate() error is swallowed', async () => {
    setAnnotationRenderer(async () => Promise.reject(new Error('broker gone')))
    await expect(annotateRun(fakeResult(), { name: 'orders', annotate: vi.fn() })).resolves.toBeUndefined()
    setAnnotationRenderer(async () => ({ message: 'm' }))
    const annotate = () => {
      throw new Error('Cannot annotate tests outside of the test run')
    }
    await expect(annotateRun(fakeResult(), { name: 'orders', annotate })).resolves.toBeUndefined()
  })

  it('reaches Vitest: the annotation is on this very test, with its attachment', async ({ task, annotate }) => {
    setAnnotationRenderer(async () => ({ message: 'orders · 50.5/s', svg }))
    await annotateRun(fakeResult(), { name: task.name, annotate })
    expect(task.annotations).toEqual([
      expect.objectContaining({
        type: 'vitest-perf',
        message: 'orders · 50.5/s',
        attachment: expect.objectContaining({ contentType: 'image/svg+xml', body: Buffer.from(svg).toString('base64') }),
      }),
    ])
  })
})

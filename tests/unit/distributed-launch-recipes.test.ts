import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { parse, parseAllDocuments } from 'yaml'
import { DRIVER_FLAGS } from '../../src/cli/driver.ts'

const read = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8')

/** The `--flag` names in a driver command line, which must all be flags the CLI parses. */
function flags(args: string[]): string[] {
  return args.filter((a) => a.startsWith('--')).map((a) => a.slice(2))
}

const known = Object.keys(DRIVER_FLAGS)

describe('launch recipes for drivers (docker/distributed/)', () => {
  it('the Kubernetes Indexed Job: N completions in parallel, the key from a Secret, the image of docker/images/driver, real flags', () => {
    const docs = parseAllDocuments(read('docker/distributed/k8s-drivers.yaml')).map((d) => {
      expect(d.errors).toEqual([])
      return d.toJS()
    })
    const job = docs.find((d) => d.kind === 'Job')
    expect(job.apiVersion).toBe('batch/v1')
    expect(job.spec.completionMode).toBe('Indexed')
    expect(job.spec.completions).toBeGreaterThan(1)
    expect(job.spec.parallelism).toBe(job.spec.completions)
    const pod = job.spec.template.spec
    expect(pod.restartPolicy).toBe('Never')
    const [container] = pod.containers
    const image = /^IMAGE=(\S+)$/m.exec(read('docker/images/driver/image.conf'))?.[1]
    expect(container.image).toBe(image)
    const args: string[] = container.args
    expect(flags(args).filter((f) => !known.includes(f))).toEqual([])
    expect(flags(args)).toEqual(expect.arrayContaining(['redis', 'id', 'key-file', 'root']))
    expect(args[args.indexOf('--id') + 1]).toContain('$(JOB_COMPLETION_INDEX)')
    // The key file is a Secret mounted where --key-file points.
    const keyFile = args[args.indexOf('--key-file') + 1]
    const mount = container.volumeMounts.find((m: { mountPath: string }) => keyFile.startsWith(`${m.mountPath}/`))
    const volume = pod.volumes.find((v: { name: string }) => v.name === mount.name)
    expect(volume.secret.secretName).toBeTruthy()
    expect(volume.secret.items[0].path).toBe(keyFile.slice(mount.mountPath.length + 1))
    // The Redis URL (with its password) is not written in the manifest either.
    expect(container.env.find((e: { name: string }) => e.name === 'REDIS_URL').valueFrom.secretKeyRef).toBeTruthy()
  })

  it("the image's entrypoint runs `vitest-perf driver` with the arguments and a root", () => {
    const entry = read('docker/images/driver/entrypoint.sh')
    expect(entry).toMatch(/exec node .*src\/cli\/main\.ts driver "\$@"/)
    expect(entry).toContain('--root /app')
  })

  it('the GitHub Actions recipe: a matrix of N driver jobs beside one coordinator job, real flags', () => {
    const workflow = parse(read('docker/distributed/github-actions.yml'))
    const drivers = workflow.jobs.drivers
    const n = drivers.strategy.matrix.driver.length
    expect(n).toBeGreaterThan(1)
    const command: string = drivers.steps.map((s: { run?: string }) => s.run ?? '').find((r: string) => r.includes('vitest-perf driver'))
    const args = command.split(/\s+/)
    expect(flags(args).filter((f) => !known.includes(f))).toEqual([])
    expect(command).toMatch(/--id "[^"]*\$\{\{ matrix\.driver \}\}"/)
    // Beside, not after: the coordinator must not wait for the drivers to finish.
    expect(workflow.jobs.coordinator.needs).toBeUndefined()
    expect(workflow.env.VITEST_PERF_DRIVER_KEY).toBe('${{ secrets.VITEST_PERF_DRIVER_KEY }}')
  })
})

import path from 'node:path'
import { BaseSequencer, type TestSpecification } from 'vitest/node'

/**
 * Under vitest-perf ab both revisions must reach their tests in the same order: files by group,
 * project and path relative to the root, never by the durations Vitest cached from earlier runs.
 */
export class AbSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const rel = (spec: TestSpecification) => path.relative(spec.project.config.root, spec.moduleId).split(path.sep).join('/')
    return [...files].sort(
      (a, b) =>
        a.project.config.sequence.groupOrder - b.project.config.sequence.groupOrder ||
        (a.project.name < b.project.name ? -1 : a.project.name > b.project.name ? 1 : 0) ||
        (rel(a) < rel(b) ? -1 : rel(a) > rel(b) ? 1 : 0),
    )
  }
}

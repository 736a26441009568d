// One role per environment (docs/oidc.md): a role trusts one environment's OIDC subject, so each
// approval gates the credentials of its stage. These checks read which role every job of a
// caller assumes in which environment, itself or through the reusable workflows.
import { assumesRole, calledWorkflow, jobsOf, type Job, type YamlFile } from './files.js'

export interface RoleUse {
  where: string
  environment: string | undefined
  /** The role-to-assume as written (an ARN or an expression such as ${{ vars.X }}). */
  role: string
}

const STAGES = ['canary', 'ramp', 'production'] as const

function environmentOf(job: Job): string | undefined {
  return typeof job.environment === 'string' ? job.environment : job.environment?.name
}

/** Every role a file's jobs assume, with the environment whose subject the token names. */
export function roleUses(file: YamlFile): RoleUse[] {
  const uses: RoleUse[] = []
  for (const [id, job] of jobsOf(file.doc)) {
    const where = `${file.path} jobs.${id}`
    for (const step of (job.steps ?? []).filter(assumesRole)) {
      uses.push({
        where,
        environment: environmentOf(job),
        role: String(step.with?.['role-to-assume'])
      })
    }
    const called = calledWorkflow(job.uses)
    const given = job.with ?? {}
    if (called === '.github/workflows/progressive-deploy.yml') {
      for (const stage of STAGES) {
        const role = given[`${stage}-role-to-assume`]
        if (role === undefined) continue
        const environment = given[`${stage}-environment`] ?? stage
        uses.push({
          where: `${where} (${stage})`,
          environment: String(environment),
          role: String(role)
        })
      }
    }
    if (called === '.github/workflows/rollback.yml') {
      uses.push({
        where,
        environment: given.environment === undefined ? undefined : String(given.environment),
        role: String(given['role-to-assume'])
      })
    }
  }
  return uses
}

/**
 * A role assumed outside an environment (its subject names a branch, which no reviewer gates),
 * or in two environments (the earlier one's credentials could do what the later one approves).
 */
export function roleProblems(uses: readonly RoleUse[]): string[] {
  const problems = uses
    .filter((use) => use.environment === undefined)
    .map((use) => `${use.where}: assumes ${use.role} outside an environment`)
  const environments = new Map<string, Set<string>>()
  for (const use of uses) {
    if (use.environment === undefined) continue
    environments.set(use.role, (environments.get(use.role) ?? new Set()).add(use.environment))
  }
  for (const [role, seen] of environments) {
    if (seen.size > 1)
      problems.push(`${role} is assumed in ${seen.size} environments: ${[...seen].join(', ')}`)
  }
  return problems
}

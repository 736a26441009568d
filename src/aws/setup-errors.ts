/**
 * The two ways a run fails before AWS is ever reached, said in the words a workflow author acts
 * on: the SDK's own ("Could not load credentials from any providers", "Region is missing") name
 * neither the input nor the step that fixes them.
 */

const OIDC_GUIDE = 'https://github.com/aws-traffic-shift/aws-traffic-shift/blob/main/docs/oidc.md'

export const CREDENTIALS_HELP =
  'No AWS credentials were found. In a workflow, run aws-actions/configure-aws-credentials ' +
  '(role-to-assume, aws-region) in a step before this action, with permissions: id-token: ' +
  `write on the job; the OIDC guide (docs/oidc.md, ${OIDC_GUIDE}) sets up the role. By hand, ` +
  'export AWS_PROFILE or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY.'

export const REGION_HELP =
  "No AWS region is set: give the action's aws-region input or set AWS_REGION " +
  '(aws-actions/configure-aws-credentials sets it), or give the ARNs of your resources, which ' +
  'name their region.'

/**
 * The setup problem behind an error, as a message that names the fix, or undefined when the
 * error is something else. Looks through `cause` chains, since AwsCallError wraps what the SDK
 * threw.
 */
export function setupErrorMessage(error: unknown): string | undefined {
  for (let current = error, depth = 0; current instanceof Error && depth < 10; depth++) {
    if (isCredentialsError(current)) return `${CREDENTIALS_HELP} (The SDK said: ${current.message})`
    if (isRegionError(current)) return `${REGION_HELP} (The SDK said: ${current.message})`
    current = current.cause
  }
  return undefined
}

function isCredentialsError(error: Error): boolean {
  return (
    error.name === 'CredentialsProviderError' ||
    /^Could not load credentials from any providers/.test(error.message)
  )
}

function isRegionError(error: Error): boolean {
  // The SDK's region config (@smithy/core) throws a plain Error with this message.
  return /^Region is missing\b/.test(error.message)
}

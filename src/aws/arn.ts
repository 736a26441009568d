import { InputError } from '../errors.js'

/** The parts of an ARN: arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE. */
export interface ArnParts {
  partition: string
  service: string
  region: string
  account: string
  resource: string
}

export function arnParts(arn: string): ArnParts {
  const [, partition = '', service = '', region = '', account = '', ...rest] = arn.split(':')
  return { partition, service, region, account, resource: rest.join(':') }
}

/**
 * Every ARN the inputs name must live in one partition, region and account, and in the
 * client's region when one is set: a mix reaches AWS as a confusing "not found" at best. Throws
 * InputError naming the first input that disagrees with the first one given.
 */
export function requireSameRegionAndAccount(
  arns: readonly { input: string; arn: string }[],
  clientRegion: string | undefined
): void {
  if (arns.length === 0) return
  const first = arnParts(arns[0].arn)
  for (const { input, arn } of arns) {
    const parts = arnParts(arn)
    if (parts.partition !== first.partition || parts.region !== first.region) {
      throw new InputError(
        input,
        arn,
        `an ARN in ${first.partition} region ${first.region}, like ${arns[0].input}`
      )
    }
    if (parts.account !== first.account) {
      throw new InputError(input, arn, `an ARN in account ${first.account}, like ${arns[0].input}`)
    }
  }
  if (clientRegion && clientRegion !== first.region) {
    throw new InputError(
      arns[0].input,
      arns[0].arn,
      `an ARN in the region the AWS clients use (${clientRegion}, from aws-region or AWS_REGION)`
    )
  }
}

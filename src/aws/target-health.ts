import {
  DescribeTargetHealthCommand,
  type ElasticLoadBalancingV2Client,
  type TargetHealthDescription
} from '@aws-sdk/client-elastic-load-balancing-v2'
import { awsCall } from './call.js'

/**
 * DescribeTargetHealth of one target group (only `targetIds` when given: a side's own targets in
 * a group both sides share), as every mode and the target-health gate read it.
 */
export async function describeTargetHealth(
  elbv2: ElasticLoadBalancingV2Client,
  targetGroupArn: string,
  signal?: AbortSignal,
  targetIds?: readonly string[]
): Promise<TargetHealthDescription[]> {
  const input = {
    TargetGroupArn: targetGroupArn,
    ...(targetIds && targetIds.length > 0 ? { Targets: targetIds.map((id) => ({ Id: id })) } : {})
  }
  const out = await awsCall(
    'DescribeTargetHealth',
    targetGroupArn,
    () => elbv2.send(new DescribeTargetHealthCommand(input), { abortSignal: signal }),
    signal
  )
  return out.TargetHealthDescriptions ?? []
}

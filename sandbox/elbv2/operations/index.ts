/** The ELBv2 operations the sandbox answers, by Action name. */
import type { Operation } from '../context.js'
import * as listeners from './listeners.js'
import * as loadBalancers from './load-balancers.js'
import * as rules from './rules.js'
import * as tags from './tags.js'
import * as targetGroups from './target-groups.js'
import * as targets from './targets.js'

export const operations: Record<string, Operation> = {
  CreateLoadBalancer: loadBalancers.CreateLoadBalancer,
  DescribeLoadBalancers: loadBalancers.DescribeLoadBalancers,
  DeleteLoadBalancer: loadBalancers.DeleteLoadBalancer,
  CreateTargetGroup: targetGroups.CreateTargetGroup,
  DescribeTargetGroups: targetGroups.DescribeTargetGroups,
  ModifyTargetGroup: targetGroups.ModifyTargetGroup,
  DeleteTargetGroup: targetGroups.DeleteTargetGroup,
  DescribeTargetGroupAttributes: targetGroups.DescribeTargetGroupAttributes,
  ModifyTargetGroupAttributes: targetGroups.ModifyTargetGroupAttributes,
  RegisterTargets: targets.RegisterTargets,
  DeregisterTargets: targets.DeregisterTargets,
  DescribeTargetHealth: targets.DescribeTargetHealth,
  CreateListener: listeners.CreateListener,
  DescribeListeners: listeners.DescribeListeners,
  ModifyListener: listeners.ModifyListener,
  DeleteListener: listeners.DeleteListener,
  CreateRule: rules.CreateRule,
  DescribeRules: rules.DescribeRules,
  ModifyRule: rules.ModifyRule,
  DeleteRule: rules.DeleteRule,
  SetRulePriorities: rules.SetRulePriorities,
  AddTags: tags.AddTags,
  RemoveTags: tags.RemoveTags,
  DescribeTags: tags.DescribeTags
}

/** CreateLoadBalancer / DescribeLoadBalancers / DeleteLoadBalancer (Application Load Balancers). */
import type { Operation } from '../context.js'
import { notFound, validationError } from '../errors.js'
import { SANDBOX_VPC_ID, type LoadBalancer } from '../model.js'
import { page } from '../paging.js'
import { renderLoadBalancer } from '../render.js'
import { applyTags, parseTags } from './tags.js'

const NAME = /^[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,30}[a-zA-Z0-9])?$/

export const CreateLoadBalancer: Operation = (input, { model }) => {
  const name = input.requiredString('Name')
  if (!NAME.test(name) || name.startsWith('internal-')) {
    throw validationError(
      `Load balancer name '${name}' must be 1-32 alphanumeric characters or hyphens, not begin or end with a hyphen, and not begin with 'internal-'`
    )
  }
  const type = input.oneOf('Type', ['application', 'network', 'gateway'] as const) ?? 'application'
  if (type !== 'application') {
    throw validationError(`The sandbox simulates application load balancers only, not '${type}'`)
  }
  const scheme =
    input.oneOf('Scheme', ['internet-facing', 'internal'] as const) ?? 'internet-facing'
  const subnets = [
    ...input.strings('Subnets'),
    ...input.list('SubnetMappings').map((mapping) => mapping.requiredString('SubnetId'))
  ]
  const tags = parseTags(input)
  const existing = [...model.loadBalancers.values()].find((lb) => lb.name === name)
  // Creating a load balancer that already exists returns it, as AWS does.
  if (existing) return { LoadBalancers: [renderLoadBalancer(existing, model.region)] }
  const { arn, resourceId } = model.newLoadBalancerArn(name)
  const digits = String(Math.floor(Math.random() * 1e10)).padStart(10, '0')
  model.created += 1
  const lb: LoadBalancer = {
    arn,
    name,
    address: `127.0.${1 + Math.floor((model.created - 1) / 254)}.${1 + ((model.created - 1) % 254)}`,
    resourceId,
    dnsName: `${scheme === 'internal' ? 'internal-' : ''}${name}-${digits}.${model.region}.elb.amazonaws.com`,
    createdAt: new Date(),
    scheme,
    vpcId: SANDBOX_VPC_ID,
    subnets:
      subnets.length > 0 ? subnets : ['subnet-0sandbox00000000a', 'subnet-0sandbox00000000b'],
    securityGroups:
      input.strings('SecurityGroups').length > 0
        ? input.strings('SecurityGroups')
        : ['sg-0sandbox000000001'],
    ipAddressType:
      input.oneOf('IpAddressType', [
        'ipv4',
        'dualstack',
        'dualstack-without-public-ipv4'
      ] as const) ?? 'ipv4'
  }
  model.loadBalancers.set(arn, lb)
  applyTags(model, arn, tags)
  return { LoadBalancers: [renderLoadBalancer(lb, model.region)] }
}

export const DescribeLoadBalancers: Operation = (input, { model }) => {
  const arns = input.strings('LoadBalancerArns', 20)
  const names = input.strings('Names', 20)
  if (arns.length > 0 && names.length > 0) {
    throw validationError('Load balancer ARNs and names cannot be specified at the same time')
  }
  let found = [...model.loadBalancers.values()]
  if (arns.length > 0) found = arns.map((arn) => model.loadBalancer(arn))
  if (names.length > 0) {
    found = names.map((name) => {
      const lb = [...model.loadBalancers.values()].find((candidate) => candidate.name === name)
      if (!lb) throw notFound.loadBalancer()
      return lb
    })
  }
  const { items, nextMarker } = page(found, input)
  return {
    LoadBalancers: items.map((lb) => renderLoadBalancer(lb, model.region)),
    NextMarker: nextMarker
  }
}

/** Deleting takes the load balancer's listeners and rules with it; an unknown ARN succeeds. */
export const DeleteLoadBalancer: Operation = async (input, { model, dataPlane, health }) => {
  const arn = input.requiredString('LoadBalancerArn')
  if (!model.loadBalancers.has(arn)) return {}
  for (const listener of model.listenersOf(arn)) {
    for (const rule of model.rulesOf(listener.arn)) model.rules.delete(rule.arn)
    model.listeners.delete(listener.arn)
    await dataPlane.closeListener(listener.arn)
  }
  model.loadBalancers.delete(arn)
  model.tags.delete(arn)
  health.refresh()
  return {}
}

/**
 * The wire protocol each pinned SDK client speaks, as the sandbox implements it, and a reader
 * that gets the same facts from the installed clients. An SDK upgrade can switch a service's
 * protocol (CloudWatch moved from awsQuery to AWS JSON 1.0 in 3.949.0); the protocols test
 * compares the two so such a change fails loudly instead of breaking the sandbox quietly.
 */
import { AutoScalingClient } from '@aws-sdk/client-auto-scaling'
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch'
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2'
import { Route53Client } from '@aws-sdk/client-route-53'
import { createRequire } from 'node:module'

export type SandboxService = 'elbv2' | 'cloudwatch' | 'route53' | 'autoscaling'

export interface WireProtocol {
  /** The Smithy protocol the client serializes with, e.g. 'aws.protocols#awsQuery'. */
  protocol: string
  /** AWS JSON in awsQuery-compatible mode: sends x-amzn-query-mode, reads x-amzn-query-error. */
  queryCompatible: boolean
  /** The API version (the Query protocol's Version parameter). */
  apiVersion: string
  /** The AWS JSON `X-Amz-Target` prefix, where the protocol uses one. */
  serviceTarget?: string
}

/** What the sandbox servers implement. */
export const SANDBOX_PROTOCOLS: Record<SandboxService, WireProtocol> = {
  elbv2: { protocol: 'aws.protocols#awsQuery', queryCompatible: false, apiVersion: '2015-12-01' },
  cloudwatch: {
    protocol: 'aws.protocols#awsJson1_0',
    queryCompatible: true,
    apiVersion: '2010-08-01',
    serviceTarget: 'GraniteServiceVersion20100801'
  },
  route53: { protocol: 'aws.protocols#restXml', queryCompatible: false, apiVersion: '2013-04-01' },
  autoscaling: {
    protocol: 'aws.protocols#awsQuery',
    queryCompatible: false,
    apiVersion: '2011-01-01'
  }
}

export const CLIENT_PACKAGES: Record<SandboxService, string> = {
  elbv2: '@aws-sdk/client-elastic-load-balancing-v2',
  cloudwatch: '@aws-sdk/client-cloudwatch',
  route53: '@aws-sdk/client-route-53',
  autoscaling: '@aws-sdk/client-auto-scaling'
}

/** The parts of a client's resolved config that carry its protocol (not in the public types). */
interface ProtocolConfig {
  apiVersion: string
  protocol: { getShapeId(): string }
  protocolSettings?: { awsQueryCompatible?: boolean; serviceTarget?: string }
}

function read(config: unknown, usesTarget: boolean): WireProtocol {
  const { apiVersion, protocol, protocolSettings } = config as ProtocolConfig
  const facts: WireProtocol = {
    protocol: protocol.getShapeId(),
    queryCompatible: protocolSettings?.awsQueryCompatible === true,
    apiVersion
  }
  if (usesTarget && protocolSettings?.serviceTarget)
    facts.serviceTarget = protocolSettings.serviceTarget
  return facts
}

/** Reads the protocol of each installed client (constructing a client sends nothing). */
export function installedProtocols(): Record<SandboxService, WireProtocol> {
  const config = { region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } }
  const clients = {
    elbv2: new ElasticLoadBalancingV2Client(config),
    cloudwatch: new CloudWatchClient(config),
    route53: new Route53Client(config),
    autoscaling: new AutoScalingClient(config)
  }
  try {
    const isJson = (client: { config: unknown }) =>
      (client.config as ProtocolConfig).protocol.getShapeId().startsWith('aws.protocols#awsJson')
    return {
      elbv2: read(clients.elbv2.config, isJson(clients.elbv2)),
      cloudwatch: read(clients.cloudwatch.config, isJson(clients.cloudwatch)),
      route53: read(clients.route53.config, isJson(clients.route53)),
      autoscaling: read(clients.autoscaling.config, isJson(clients.autoscaling))
    }
  } finally {
    for (const client of Object.values(clients)) client.destroy()
  }
}

/** The installed version of each client package, for messages. */
export function installedVersions(): Record<SandboxService, string> {
  const require = createRequire(import.meta.url)
  const version = (name: string) => (require(`${name}/package.json`) as { version: string }).version
  return {
    elbv2: version(CLIENT_PACKAGES.elbv2),
    cloudwatch: version(CLIENT_PACKAGES.cloudwatch),
    route53: version(CLIENT_PACKAGES.route53),
    autoscaling: version(CLIENT_PACKAGES.autoscaling)
  }
}

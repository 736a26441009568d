import {
  CreateLoadBalancerCommand,
  ElasticLoadBalancingV2Client
} from '@aws-sdk/client-elastic-load-balancing-v2'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { udpDnsClient } from '../../sandbox/dns-client.js'
import { ALB_HOSTED_ZONE_ID } from '../../sandbox/elbv2/render.js'
import { startSandbox, type Sandbox } from '../../sandbox/index.js'

let sandbox: Sandbox
let elbv2: ElasticLoadBalancingV2Client

beforeAll(async () => {
  sandbox = await startSandbox()
  elbv2 = new ElasticLoadBalancingV2Client(sandbox.clientConfig('elbv2'))
})

afterAll(async () => {
  elbv2.destroy()
  await sandbox.close()
})

const alias = (dnsName: string, hostedZoneId = ALB_HOSTED_ZONE_ID) => ({
  hostedZoneId,
  dnsName,
  evaluateTargetHealth: false
})

describe('a Route 53 alias to a sandbox load balancer', () => {
  it('answers the load balancer’s own address with ELB’s 60 s TTL; each has its own', async () => {
    const made = await Promise.all(
      ['Shop-A', 'shop-b'].map((Name) => elbv2.send(new CreateLoadBalancerCommand({ Name })))
    )
    const [a, b] = made.map((out) => out.LoadBalancers![0])
    const zone = sandbox.route53.createHostedZone('alias.example')
    const record = (name: string, target: ReturnType<typeof alias>) => ({
      action: 'CREATE' as const,
      record: { name, type: 'A' as const, aliasTarget: target }
    })
    sandbox.route53.changeRecords(zone.id, [
      // Route 53 stores alias names in lower case; the console adds dualstack.
      record('a.alias.example.', alias(`dualstack.${a.DNSName!.toLowerCase()}.`)),
      record('b.alias.example.', alias(`${b.DNSName}.`)),
      // The right name in another zone is not that load balancer.
      record('c.alias.example.', alias(`${b.DNSName}.`, 'Z32O12XQLNTSW2'))
    ])
    const dns = udpDnsClient(sandbox.route53.dns.port)
    try {
      const answer = async (name: string) =>
        (await dns.query(name)).answers![0] as { type: string; data: unknown }
      const first = await answer('a.alias.example.')
      const second = await answer('b.alias.example.')
      expect(first).toMatchObject({ type: 'A', ttl: 60, name: 'a.alias.example' })
      expect(second).toMatchObject({ type: 'A', ttl: 60 })
      expect(first.data).not.toBe(second.data)
      expect(sandbox.elb.addressesOf(a.DNSName!, ALB_HOSTED_ZONE_ID)).toEqual([first.data])
      // Unknown to the sandbox: a CNAME to the name, as before.
      expect(await answer('c.alias.example.')).toMatchObject({ type: 'CNAME' })
    } finally {
      await dns.close()
    }
  })
})

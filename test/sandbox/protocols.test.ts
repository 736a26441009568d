/**
 * Guards the sandbox against an SDK upgrade that changes a service's wire protocol: the facts
 * read from the installed clients must be the ones the sandbox servers implement, and the
 * client versions must be the pinned ones the facts were checked against.
 */
import { describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import {
  CLIENT_PACKAGES,
  SANDBOX_PROTOCOLS,
  type SandboxService,
  installedProtocols,
  installedVersions
} from '../../sandbox/protocols.js'

const services = Object.keys(SANDBOX_PROTOCOLS) as SandboxService[]

describe('SDK wire protocols', () => {
  const installed = installedProtocols()
  const versions = installedVersions()

  it.each(services)(
    '%s: the installed client speaks the protocol the sandbox implements',
    (service) => {
      const message =
        `${CLIENT_PACKAGES[service]}@${versions[service]} now speaks ${JSON.stringify(installed[service])}; ` +
        `the sandbox implements ${JSON.stringify(SANDBOX_PROTOCOLS[service])}. Update sandbox/${service}/ ` +
        'to the new protocol (and SANDBOX_PROTOCOLS) before taking this SDK version.'
      if (JSON.stringify(installed[service]) !== JSON.stringify(SANDBOX_PROTOCOLS[service])) {
        throw new Error(message)
      }
      expect(installed[service]).toEqual(SANDBOX_PROTOCOLS[service])
    }
  )

  it('the clients are pinned to exact versions in package.json', () => {
    const manifest = JSON.parse(readFileSync('package.json', 'utf8')) as {
      dependencies: Record<string, string>
    }
    for (const service of services) {
      const pinned = manifest.dependencies[CLIENT_PACKAGES[service]]
      expect(pinned).toMatch(/^\d+\.\d+\.\d+$/)
      expect(versions[service]).toBe(pinned)
    }
  })
})

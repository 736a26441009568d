import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals'
import {
  DescribeListenersCommand,
  ElasticLoadBalancingV2Client
} from '@aws-sdk/client-elastic-load-balancing-v2'
import { createServer, type Server } from 'node:http'
import { createClients } from '../../src/aws/clients.js'
import * as core from '../../src/toolkit.js'
import { workflowCommandsIn } from '../helpers/workflow-commands.js'

/** ELBv2 answers, in the Query protocol's XML, one per request in turn (the last one repeats). */
type Answer = { status: number; body: string; requestId: string }

const ok = (requestId: string): Answer => ({
  status: 200,
  requestId,
  body:
    '<DescribeListenersResponse xmlns="http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/">' +
    '<DescribeListenersResult><Listeners/></DescribeListenersResult>' +
    `<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></DescribeListenersResponse>`
})

const failure = (status: number, code: string, message: string, requestId: string): Answer => ({
  status,
  requestId,
  body:
    `<ErrorResponse><Error><Type>Sender</Type><Code>${code}</Code><Message>${message}</Message>` +
    `</Error><RequestId>${requestId}</RequestId></ErrorResponse>`
})

describe('the AWS call log', () => {
  let server: Server
  let answers: Answer[]
  const saved = { ...process.env }

  beforeEach(async () => {
    answers = []
    server = createServer((req, res) => {
      req.resume()
      req.on('end', () => {
        const answer = answers.length > 1 ? answers.shift()! : answers[0]
        res.writeHead(answer.status, {
          'content-type': 'text/xml',
          'x-amzn-requestid': answer.requestId
        })
        res.end(answer.body)
      })
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const { port } = server.address() as { port: number }
    process.env.AWS_ENDPOINT_URL_ELASTIC_LOAD_BALANCING_V2 = `http://127.0.0.1:${port}`
    process.env.AWS_ACCESS_KEY_ID = 'test'
    process.env.AWS_SECRET_ACCESS_KEY = 'test'
  })

  afterEach(async () => {
    process.env = { ...saved }
    jest.restoreAllMocks()
    await new Promise<void>((resolve) => server.close(() => resolve()))
  })

  function describeListeners(debug?: (line: string) => void) {
    const client = createClients('us-east-1', { maxAttempts: 3 }, debug).get(
      ElasticLoadBalancingV2Client
    )
    return client.send(new DescribeListenersCommand({}))
  }

  it('logs service, operation, status, time, attempts with the retry delay, and the request id', async () => {
    answers = [failure(503, 'ServiceUnavailable', 'try again', 'req-1'), ok('req-2')]
    const lines: string[] = []
    await describeListeners((line) => lines.push(line))
    expect(lines).toHaveLength(1)
    expect(lines[0]).toMatch(
      /^AWS ElasticLoadBalancingV2 DescribeListeners: 200 in \d+ ms, 2 attempts \(retry delay \d+ ms\), request id req-2$/
    )
  })

  it('logs a failed call with its request id and AWS’s error, and still throws it', async () => {
    answers = [
      failure(403, 'AccessDenied', 'User x is not authorized to DescribeListeners', 'req-9')
    ]
    const lines: string[] = []
    await expect(describeListeners((line) => lines.push(line))).rejects.toThrow('not authorized')
    expect(lines).toEqual([
      expect.stringMatching(
        /^AWS ElasticLoadBalancingV2 DescribeListeners: failed \(403\) in \d+ ms, 1 attempt, request id req-9: AccessDenied: User x is not authorized to DescribeListeners$/
      )
    ])
  })

  it('is not attached without a debug log', () => {
    const client = createClients('us-east-1').get(ElasticLoadBalancingV2Client)
    expect(client.middlewareStack.identify().join('\n')).not.toContain('awsTrafficShiftCallLog')
    const logged = createClients('us-east-1', {}, () => undefined).get(ElasticLoadBalancingV2Client)
    expect(logged.middlewareStack.identify().join('\n')).toContain('awsTrafficShiftCallLog')
  })

  it('prints through core.debug, where an AWS error message issues no workflow command', async () => {
    const forged = 'denied\n::set-output name=status::succeeded\n::stop-commands::pwn ##[add-mask]x'
    answers = [failure(400, 'ValidationError', forged, 'req-3')]
    const written: string[] = []
    jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      written.push(String(chunk))
      return true
    })
    await expect(describeListeners(core.debug)).rejects.toThrow()
    const output = written.join('')
    expect(output).toContain('request id req-3')
    expect(workflowCommandsIn(output).map((found) => found.command)).toEqual(['debug'])
  })
})

import { describe, expect, it } from '@jest/globals'
import { probeUrlSecrets, splitProbeUrls } from '../../src/gates/probe-urls.js'

describe('splitProbeUrls', () => {
  it.each([
    ['https://deploy:hun,ter2@green.example/', ['https://deploy:hun,ter2@green.example/']],
    ['https://a:b,c,d@h/,http://x/', ['https://a:b,c,d@h/', 'http://x/']],
    ['http://a,http://b', ['http://a', 'http://b']],
    ['http://a, https://u:p@b/', ['http://a', 'https://u:p@b/']],
    ['http://a/x?q=1,2', ['http://a/x?q=1', '2']],
    ['http://a/\r\nhttp://b/\n, ,', ['http://a/', 'http://b/']],
    ['green.example/x, http://b/', ['green.example/x', 'http://b/']]
  ])('%j → %j', (raw, entries) => {
    expect(splitProbeUrls(raw)).toEqual(entries)
  })
})

describe('probeUrlSecrets', () => {
  it('gives user names, passwords and query strings, raw and decoded', () => {
    expect(
      probeUrlSecrets('https://deploy:hun%2Cter2@green.example/h?token=s3cr%2Ft&x=1,http://plain/')
    ).toEqual(
      expect.arrayContaining(['deploy', 'hun%2Cter2', 'hun,ter2', 'token=s3cr%2Ft&x=1', 's3cr/t'])
    )
    expect(probeUrlSecrets('http://plain.example/health')).toEqual([])
  })

  it('masks an entry that does not parse as a whole', () => {
    expect(probeUrlSecrets('https://deploy:hun,ter2@gre en/')).toEqual([
      'https://deploy:hun,ter2@gre en/'
    ])
  })

  it('leaves out one- and two-character values, which would star out the whole log', () => {
    expect(probeUrlSecrets('https://a:bc@h/?x=1')).toEqual(['x=1'])
  })
})

import { XMLParser, XMLValidator } from 'fast-xml-parser'
import { invalidInput, Route53Error } from './errors.js'

export const NAMESPACE = 'https://route53.amazonaws.com/doc/2013-04-01/'

/** Parsed XML: elements become objects, text stays text (never numbers: "007" is a name). */
export type XmlValue = string | XmlObject | XmlValue[]
export interface XmlObject {
  [element: string]: XmlValue
}

const parser = new XMLParser({
  ignoreAttributes: true,
  removeNSPrefix: true,
  parseTagValue: false,
  ignoreDeclaration: true
})

/** Parses a request body whose root must be `root` (e.g. `ChangeResourceRecordSetsRequest`). */
export function parseRequest(body: string, root: string): XmlObject {
  if (/<!DOCTYPE/i.test(body)) throw invalidInput('Invalid XML ; DOCTYPE is not allowed')
  const valid = XMLValidator.validate(body)
  if (valid !== true) {
    throw invalidInput(`Invalid XML ; ${valid.err.msg} (line ${valid.err.line})`)
  }
  const document = parser.parse(body) as XmlObject
  const element = document[root]
  if (element === undefined) {
    // Route 53 names this MalformedInput; the SDK surfaces it as error.name 'MalformedInput'.
    const found = Object.keys(document)[0] ?? 'nothing'
    throw new Route53Error('MalformedInput', `${found} is not valid, expected ${root}`)
  }
  return asObject(element, root)
}

/** A child element that must be a structure; absent or empty elements read as {}. */
export function asObject(value: XmlValue | undefined, where: string): XmlObject {
  if (value === undefined || value === '') return {}
  if (typeof value === 'object' && !Array.isArray(value)) return value
  throw invalidInput(`Invalid XML ; element ${where} must contain elements`)
}

export function optionalText(parent: XmlObject, element: string): string | undefined {
  const value = parent[element]
  if (value === undefined) return undefined
  if (typeof value !== 'string') throw invalidInput(`Invalid XML ; element ${element} must be text`)
  return value
}

export function requiredText(parent: XmlObject, element: string): string {
  const value = optionalText(parent, element)
  if (value === undefined) throw invalidInput(`Invalid request: Missing field '${element}'`)
  return value
}

export function optionalInteger(parent: XmlObject, element: string): number | undefined {
  const text = optionalText(parent, element)
  if (text === undefined) return undefined
  if (!/^-?\d+$/.test(text)) {
    throw invalidInput(
      `Invalid XML ; cvc-datatype-valid: '${text}' is not a valid value for ${element}`
    )
  }
  return Number(text)
}

export function optionalBoolean(parent: XmlObject, element: string): boolean | undefined {
  const text = optionalText(parent, element)
  if (text === undefined) return undefined
  if (text !== 'true' && text !== 'false') {
    throw invalidInput(`Invalid XML ; '${text}' is not a valid value for boolean ${element}`)
  }
  return text === 'true'
}

/** The members of a wrapped list (`<Changes><Change/>…</Changes>`), one or many. */
export function listItems(
  parent: XmlObject,
  wrapper: string,
  member: string
): XmlValue[] | undefined {
  if (parent[wrapper] === undefined) return undefined
  const items = asObject(parent[wrapper], wrapper)[member]
  if (items === undefined) return []
  return Array.isArray(items) ? items : [items]
}

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;'
}
const escape = (text: string) => text.replace(/[&<>"']/g, (char) => ESCAPES[char])

/** Writes XML. Undefined content leaves the element out, as the SDK expects for absent members. */
export type Content = string | number | boolean | Date | Xml | (Xml | undefined)[] | undefined

/** Already-serialised XML, told apart from text that still needs escaping. */
export class Xml {
  constructor(readonly markup: string) {}
}

export function el(name: string, content: Content): Xml | undefined {
  if (content === undefined) return undefined
  let inner: string
  if (content instanceof Xml) inner = content.markup
  else if (Array.isArray(content)) inner = content.map((child) => child?.markup ?? '').join('')
  else if (content instanceof Date) inner = content.toISOString()
  else inner = escape(String(content))
  return new Xml(`<${name}>${inner}</${name}>`)
}

/** A whole response document, with the namespace Route 53 puts on the root element. */
export function document(root: string, children: (Xml | undefined)[]): string {
  const inner = children.map((child) => child?.markup ?? '').join('')
  return `<?xml version="1.0"?>\n<${root} xmlns="${NAMESPACE}">${inner}</${root}>`
}

import { InputError } from './errors.js'

/**
 * The share of traffic green carries, in tenths of a percent (0..1000). Blue carries the rest, so a
 * split where no side takes traffic cannot be built.
 */
export class Split {
  private constructor(readonly permille: number) {}

  static readonly BLUE = new Split(0)
  static readonly GREEN = new Split(1000)

  /** From a percent with at most one decimal (ALB weights give 0.1 % steps). */
  static ofPercent(percent: number): Split {
    if (!Number.isFinite(percent) || percent < 0 || percent > 100) {
      throw new RangeError(`A split is a percent from 0 to 100, got ${percent}`)
    }
    const permille = Math.round(percent * 10)
    if (Math.abs(permille - percent * 10) > 1e-6) {
      throw new RangeError(`A split has at most one decimal, got ${percent}`)
    }
    return new Split(permille)
  }

  /** From native weights: green's share of the pair, rounded to the nearest 0.1 %. */
  static ofWeights(blue: number, green: number): Split {
    if (!(blue >= 0 && green >= 0) || blue + green === 0) {
      throw new RangeError(`Weights blue=${blue} green=${green} send traffic nowhere`)
    }
    return new Split(Math.round((green * 1000) / (blue + green)))
  }

  get percent(): number {
    return this.permille / 10
  }

  get bluePercent(): number {
    return (1000 - this.permille) / 10
  }

  equals(other: Split): boolean {
    return this.permille === other.permille
  }

  toString(): string {
    return `${this.percent}% green`
  }
}

/** Parses a user-facing percent ("10", "12.5") strictly: no defaults for bad input. */
export function parsePercent(input: string, raw: string): Split {
  const accepted = 'a number from 0 to 100 with at most one decimal (e.g. 10 or 12.5)'
  const text = raw.trim().replace(/%$/, '')
  if (!/^\d{1,3}(\.\d)?$/.test(text)) throw new InputError(input, raw, accepted)
  const value = Number(text)
  if (value > 100) throw new InputError(input, raw, accepted)
  return Split.ofPercent(value)
}

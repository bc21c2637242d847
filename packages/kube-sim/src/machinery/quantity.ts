/**
 * Canonical form of resource quantities (`0.5` → `500m`, `1024Mi` → `1Gi`),
 * because a real API server stores them that way and a GitOps diff meets the
 * canonical form in live objects.
 */

const BINARY: Record<string, bigint> = {
  Ki: 1n << 10n,
  Mi: 1n << 20n,
  Gi: 1n << 30n,
  Ti: 1n << 40n,
  Pi: 1n << 50n,
  Ei: 1n << 60n,
};
const DECIMAL: Record<string, number> = {
  n: -9,
  u: -6,
  m: -3,
  '': 0,
  k: 3,
  M: 6,
  G: 9,
  T: 12,
  P: 15,
  E: 18,
};
const DECIMAL_SUFFIX_BY_EXPONENT = new Map(
  Object.entries(DECIMAL).map(([suffix, exponent]) => [exponent, suffix]),
);

type Format = 'BinarySI' | 'DecimalSI' | 'DecimalExponent';

/** value = numerator / 10^9 (nano precision, as the API server rounds to). */
interface Parsed {
  nanos: bigint;
  format: Format;
}

const pow10 = (n: number): bigint => 10n ** BigInt(n);

function parse(input: string): Parsed | undefined {
  const match = /^([+-]?)(\d+(?:\.\d*)?|\.\d+)(.*)$/.exec(input.trim());
  if (!match) return undefined;
  const [, sign, digits, suffix] = match;
  const [whole, fraction = ''] = digits.split('.');
  let numerator = BigInt((whole || '0') + fraction);
  let scale = fraction.length; // value = numerator * 10^-scale
  let format: Format;
  if (suffix in BINARY) {
    numerator *= BINARY[suffix];
    format = 'BinarySI';
  } else if (suffix in DECIMAL) {
    scale -= DECIMAL[suffix];
    format = 'DecimalSI';
  } else if (/^[eE][+-]?\d+$/.test(suffix)) {
    scale -= Number(suffix.slice(1));
    format = 'DecimalExponent';
  } else {
    return undefined;
  }
  // Normalise to nanos, rounding up like resource.Quantity does.
  let nanos: bigint;
  if (scale <= 9) {
    nanos = numerator * pow10(9 - scale);
  } else {
    const divisor = pow10(scale - 9);
    nanos = numerator / divisor + (numerator % divisor === 0n ? 0n : 1n);
  }
  if (sign === '-') nanos = -nanos;
  return { nanos, format };
}

function formatDecimal(nanos: bigint, exponentStyle: boolean): string {
  if (nanos === 0n) return '0';
  const negative = nanos < 0n;
  let mantissa = negative ? -nanos : nanos;
  let exponent = -9;
  while (mantissa % 1000n === 0n && (exponentStyle || exponent < 18)) {
    mantissa /= 1000n;
    exponent += 3;
  }
  const sign = negative ? '-' : '';
  if (exponentStyle) {
    return exponent === 0
      ? `${sign}${mantissa}`
      : `${sign}${mantissa}e${exponent}`;
  }
  return `${sign}${mantissa}${DECIMAL_SUFFIX_BY_EXPONENT.get(exponent) ?? ''}`;
}

/** Returns the canonical string for a quantity, or the input unchanged if it does not parse. */
export function canonicalQuantity(input: unknown): unknown {
  if (typeof input === 'number') return canonicalQuantity(String(input));
  if (typeof input !== 'string') return input;
  const parsed = parse(input);
  if (!parsed) return input;
  const { nanos, format } = parsed;
  if (format === 'BinarySI') {
    const unit = pow10(9);
    const isInteger = nanos % unit === 0n;
    const value = nanos / unit;
    if (!isInteger || (value > -1024n && value < 1024n)) {
      return formatDecimal(nanos, false);
    }
    const negative = value < 0n;
    let mantissa = negative ? -value : value;
    let suffix = '';
    for (const candidate of ['Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei']) {
      if (mantissa % 1024n !== 0n) break;
      mantissa /= 1024n;
      suffix = candidate;
    }
    return `${negative ? '-' : ''}${mantissa}${suffix}`;
  }
  return formatDecimal(nanos, format === 'DecimalExponent');
}

/** Canonicalises every value of a resource list such as `limits` or `requests`. */
export function canonicalizeResourceList(list: unknown): void {
  if (!list || typeof list !== 'object' || Array.isArray(list)) return;
  const record = list as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    record[key] = canonicalQuantity(record[key]);
  }
}

/** Parses a quantity to a plain number (for capacity figures in status). */
export function quantityToNumber(input: unknown): number {
  const parsed = typeof input === 'string' ? parse(input) : undefined;
  if (!parsed) return typeof input === 'number' ? input : 0;
  return Number(parsed.nanos) / 1e9;
}

/**
 * Argo CD's name helpers for ApplicationSets: `normalize` (SanitizeName),
 * `slugify` (SlugifyName) and the pull-request generator's `branch_slug`
 * (gosimple/slug with `_` → `-`, at most 50 characters).
 */

const MAX_DNS_NAME_LENGTH = 253;

/**
 * SanitizeName: lower-cases, replaces every character outside `[-a-z0-9.]`
 * with `-`, keeps at most 253 characters and trims leading and trailing `-`
 * and `.`.
 */
export function sanitizeName(name: string): string {
  let out = name.toLowerCase().replace(/[^-a-z0-9.]/gu, '-');
  if (out.length > MAX_DNS_NAME_LENGTH) {
    out = out.slice(0, MAX_DNS_NAME_LENGTH);
  }
  return out.replace(/^[-.]+|[-.]+$/g, '');
}

// gosimple/slug's substitutions for English plus its defaults.
const RUNE_SUBSTITUTIONS: Record<string, string> = {
  '&': 'and',
  '@': 'at',
  '"': '',
  "'": '',
  '\u2019': '',
  '\u2012': '-',
  '\u2013': '-',
  '\u2014': '-',
  '\u2015': '-',
};

// Transliterations unidecode gives for letters that do not decompose.
const TRANSLITERATIONS: Record<string, string> = {
  ß: 'ss',
  æ: 'ae',
  Æ: 'AE',
  ø: 'o',
  Ø: 'O',
  œ: 'oe',
  Œ: 'OE',
  đ: 'd',
  Đ: 'D',
  ł: 'l',
  Ł: 'L',
  þ: 'th',
  Þ: 'TH',
  ð: 'd',
  Ð: 'D',
  ı: 'i',
};

/**
 * ASCII transliteration close to gosimple/unidecode for Latin scripts:
 * accents are dropped (`é` → `e`), a few letters are spelled out (`ß` →
 * `ss`); characters of other scripts are dropped.
 */
function transliterate(text: string): string {
  let out = '';
  for (const char of text) {
    if (char.charCodeAt(0) < 0x80) {
      out += char;
    } else if (TRANSLITERATIONS[char] !== undefined) {
      out += TRANSLITERATIONS[char];
    } else {
      out += [...char.normalize('NFKD')]
        .filter(c => c.charCodeAt(0) < 0x80)
        .join('');
    }
  }
  return out;
}

export interface SlugOptions {
  maxLength: number;
  smartTruncate: boolean;
  /** Substring substitutions applied first, in key order (the PR generator's `_` → `-`). */
  customSubstitutions?: Record<string, string>;
}

/** gosimple/slug's Make with the given options. */
export function makeSlug(text: string, options: SlugOptions): string {
  let slug = text.trim();
  for (const key of Object.keys(options.customSubstitutions ?? {}).sort()) {
    slug = slug.split(key).join(options.customSubstitutions![key]);
  }
  slug = [...slug].map(char => RUNE_SUBSTITUTIONS[char] ?? char).join('');
  slug = transliterate(slug).toLowerCase();
  if (!options.smartTruncate && slug.length >= options.maxLength) {
    slug = slug.slice(0, options.maxLength);
  }
  slug = slug
    .replace(/[^a-zA-Z0-9\-_]/g, '-')
    .replace(/-+/g, '-')
    .replace(/^[-_]+|[-_]+$/g, '');
  if (
    options.maxLength > 0 &&
    options.smartTruncate &&
    slug.length > options.maxLength
  ) {
    const cut = slug.lastIndexOf('-', options.maxLength);
    slug = cut >= 0 ? slug.slice(0, cut) : slug.slice(0, options.maxLength);
  }
  return slug;
}

/** SlugifyName(maxSize = 50, smartTruncate = true, name): sanitizeName, then slug. */
export function slugifyName(
  name: string,
  maxSize = 50,
  smartTruncate = true,
): string {
  return makeSlug(sanitizeName(name), { maxLength: maxSize, smartTruncate });
}

/** `branch_slug` and `target_branch_slug` of the pull-request generator. */
export function branchSlug(branch: string): string {
  return makeSlug(branch, {
    maxLength: 50,
    smartTruncate: true,
    customSubstitutions: { _: '-' },
  });
}

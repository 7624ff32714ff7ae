/**
 * The mapping and normalisation steps of SASLprep (RFC 4013 §2.1–§2.2), which
 * RFC 5389/RFC 5769 apply to STUN passwords before key derivation.
 *
 * Deliberately lenient: the prohibited-output (§2.3) and bidi (§2.4) checks are
 * NOT performed, because a key derivation must always produce a key; a
 * password with prohibited characters simply yields a key nobody else derives.
 * For ASCII passwords (all TURN REST passwords, which are base64) the result is
 * the input unchanged, i.e. identical to coturn, which hashes plain bytes.
 */

/** RFC 3454 Table C.1.2: non-ASCII space characters, mapped to U+0020. */
function isNonAsciiSpace(cp: number): boolean {
  return cp === 0xa0 || cp === 0x1680 || (cp >= 0x2000 && cp <= 0x200a) || cp === 0x202f || cp === 0x205f || cp === 0x3000;
}

/** RFC 3454 Table B.1: characters commonly mapped to nothing (variation selectors, joiners, soft hyphen, ...). */
function isMappedToNothing(cp: number): boolean {
  return (
    cp === 0xad ||
    cp === 0x34f ||
    cp === 0x1806 ||
    (cp >= 0x180b && cp <= 0x180d) ||
    (cp >= 0x200b && cp <= 0x200d) ||
    cp === 0x2060 ||
    (cp >= 0xfe00 && cp <= 0xfe0f) ||
    cp === 0xfeff
  );
}

export function saslprep(input: string): string {
  let mapped = '';
  for (const ch of input) {
    const cp = ch.codePointAt(0)!;
    if (isMappedToNothing(cp)) continue;
    mapped += isNonAsciiSpace(cp) ? ' ' : ch;
  }
  return mapped.normalize('NFKC');
}

/**
 * SummaryBytes writes the UTF-8 of the text each piece stands for: a number
 * as `String(n)` (digits for safe integers, the text of any other), strings
 * as `Buffer.from`, whatever the chunk size (chunks are cut anywhere, a
 * piece longer than a chunk gets a chunk of its own).
 */
import fc from 'fast-check';
import { asciiBytes, decimalDigits, SummaryBytes } from './summary-bytes';

type Piece = { uint: number } | { text: string } | { ascii: string };

/** The bytes of `pieces` written into chunks of `chunkBytes`, every chunk taken as it fills. */
function written(pieces: Piece[], chunkBytes: number): { bytes: Buffer; chunks: number[] } {
  const out = new SummaryBytes(chunkBytes);
  const chunks: Buffer[] = [];
  for (const p of pieces) {
    if ('uint' in p) out.uint(p.uint);
    else if ('text' in p) out.text(p.text);
    else out.ascii(asciiBytes(p.ascii));
    for (let c = out.full(); c !== undefined; c = out.full()) chunks.push(c);
  }
  chunks.push(out.end());
  return { bytes: Buffer.concat(chunks), chunks: chunks.map((c) => c.length) };
}

const textOf = (p: Piece): string =>
  'uint' in p ? String(p.uint) : 'text' in p ? p.text : p.ascii;

const NUMBERS = [
  0,
  9,
  10,
  99,
  100,
  2 ** 31 - 1,
  2 ** 31,
  2 ** 32,
  10 ** 15,
  10 ** 15 - 1,
  Number.MAX_SAFE_INTEGER,
  Number.MAX_SAFE_INTEGER + 1,
  2 ** 60,
  1e21,
  1.5,
  0.1,
  -1,
  -0,
  NaN,
  Infinity,
];

describe('SummaryBytes', () => {
  it('writes every number as String writes it, and counts its digits as String does', () => {
    for (const n of NUMBERS) expect(written([{ uint: n }], 64).bytes.toString()).toBe(String(n));
    for (let n = 0; n < 100_000; n += 7)
      expect(written([{ uint: n }], 64).bytes.toString()).toBe(String(n));
    // Past 2^31 the digits are written as two parts: around every cut and over the range.
    for (let k = 2; k <= 9_007_199; k += 997)
      for (const n of [k * 1e9 - 1, k * 1e9, k * 1e9 + 1, k * 1e9 + 999_999_999])
        expect(written([{ uint: n }], 64).bytes.toString()).toBe(String(n));
    fc.assert(
      fc.property(fc.integer({ min: 2 ** 31, max: Number.MAX_SAFE_INTEGER }), (n) => {
        expect(written([{ uint: n }], 64).bytes.toString()).toBe(String(n));
      }),
      { numRuns: 2000 },
    );
    for (const n of [0, 9, 10, 2 ** 31, 10 ** 15, Number.MAX_SAFE_INTEGER])
      expect(decimalDigits(n)).toBe(String(n).length);
  });

  it('writes pieces as the UTF-8 of their text, in chunks of any size', () => {
    const piece: fc.Arbitrary<Piece> = fc.oneof(
      fc.record({
        uint: fc.oneof(fc.nat(), fc.maxSafeNat(), fc.double(), fc.constantFrom(...NUMBERS)),
      }),
      fc.record({ text: fc.string({ unit: 'grapheme', maxLength: 300 }) }),
      fc.record({ ascii: fc.string({ unit: 'grapheme-ascii', maxLength: 200 }) }),
    );
    fc.assert(
      fc.property(
        fc.array(piece, { maxLength: 40 }),
        fc.integer({ min: 1, max: 600 }),
        (pieces, size) => {
          const { bytes } = written(pieces, size);
          expect(bytes.equals(Buffer.from(pieces.map(textOf).join('')))).toBe(true);
        },
      ),
    );
  });

  it('hands a chunk over once the next piece may not fit, and a piece longer than a chunk whole', () => {
    const { bytes, chunks } = written(
      [{ ascii: 'x'.repeat(10) }, { text: 'é'.repeat(50) }, { uint: 123 }],
      16,
    );
    expect(bytes.toString()).toBe(`${'x'.repeat(10)}${'é'.repeat(50)}123`);
    // The long piece's chunk is made to hold it (3 bytes a unit at most) and holds it alone:
    // what follows starts a chunk of the usual size (else one long line made every later
    // chunk as large).
    expect(chunks).toEqual([10, 100, 3]);
  });

  it('refuses to make ASCII bytes of other text', () => {
    expect(() => asciiBytes('é')).toThrow('not ASCII');
  });
});

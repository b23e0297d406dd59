import fc from 'fast-check';
import { decimalText, uncachedDecimalText } from './decimal-text';

describe('decimalText', () => {
  it('prints an integer below 2^53 as String does', () => {
    const edges = [
      0,
      9,
      2 ** 30 - 1,
      2 ** 30,
      2 ** 32,
      1e8,
      1e8 - 1,
      1e15 - 1,
      2 ** 53 - 1,
      2 ** 53 - 2,
    ];
    for (let k = 1; k < 2 ** 53 / 1e8; k = Math.floor(k * 1.7) + 1)
      edges.push(k * 1e8 - 1, k * 1e8, k * 1e8 + 1, k * 1e8 + 99999999);
    for (const v of edges) if (v < 2 ** 53) expect(decimalText(v)).toBe(String(v));
    fc.assert(
      fc.property(fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }), (v) => {
        expect(decimalText(v)).toBe(String(v));
      }),
      { numRuns: 5000 },
    );
  });
});

describe('uncachedDecimalText', () => {
  it('is String(n) for every number', () => {
    fc.assert(
      fc.property(fc.oneof(fc.maxSafeNat(), fc.integer(), fc.double()), (n) => {
        expect(uncachedDecimalText(n)).toBe(String(n));
      }),
    );
    for (const n of [
      0,
      -0,
      1,
      2 ** 31,
      2 ** 32,
      Number.MAX_SAFE_INTEGER,
      2 ** 53 + 2,
      2 ** 60,
      1.5,
      1e21,
      NaN,
    ])
      expect(uncachedDecimalText(n)).toBe(String(n));
  });
});

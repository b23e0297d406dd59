import fc from 'fast-check';
import { decimalText } from './decimal-text';

describe('decimalText', () => {
  it('is String(n) for every safe non-negative integer', () => {
    fc.assert(
      fc.property(fc.maxSafeNat(), (n) => {
        expect(decimalText(n)).toBe(String(n));
      }),
    );
    for (const n of [0, 1, 9, 10, 2 ** 31, 2 ** 32, Number.MAX_SAFE_INTEGER])
      expect(decimalText(n)).toBe(String(n));
  });
});

import { AtomIndex } from './atom-index';

interface A {
  value: string;
  n: number;
}

describe('AtomIndex', () => {
  it('finds atoms by family key and value, one family alone and with many values', () => {
    const index = new AtomIndex<A>();
    const io = { value: '', n: 1 };
    const s1 = { value: '1', n: 2 };
    const s2 = { value: '2', n: 3 };
    const s1root = { value: '1', n: 4 };
    index.set('a_t\0sh\0ability\0io\0root', io);
    index.set('a_t\0sh\0ability\0setuid\0root', s1);
    expect(index.get('a_t\0sh\0ability\0setuid\0root', '1')).toBe(s1);
    expect(index.get('a_t\0sh\0ability\0setuid\0root', '2')).toBeUndefined();
    index.set('a_t\0sh\0ability\0setuid\0root', s2);
    index.set('a_t\0sh\0ability\0setuid\0non-root', s1root);
    expect(index.get('a_t\0sh\0ability\0setuid\0root', '1')).toBe(s1);
    expect(index.get('a_t\0sh\0ability\0setuid\0root', '2')).toBe(s2);
    expect(index.get('a_t\0sh\0ability\0setuid\0non-root', '1')).toBe(s1root);
    expect(index.get('a_t\0sh\0ability\0io\0root', '')).toBe(io);
    expect(index.get('a_t\0sh\0ability\0io\0root', '1')).toBeUndefined();
    expect(index.get('b_t\0sh\0ability\0io\0root', '')).toBeUndefined();
    expect([...index.values()]).toEqual([io, s1, s2, s1root]);
  });

  it('replaces the atom of a family and value, alone or among others', () => {
    const index = new AtomIndex<A>();
    const f = 'a_t\0sh\0ability\0setuid\0root';
    index.set(f, { value: '1', n: 1 });
    index.set(f, { value: '1', n: 2 });
    expect(index.get(f, '1')?.n).toBe(2);
    index.set(f, { value: '2', n: 3 });
    index.set(f, { value: '1', n: 4 });
    expect([...index.values()].map((a) => a.n)).toEqual([4, 3]);
    index.clear();
    expect([...index.values()]).toEqual([]);
    expect(index.get(f, '1')).toBeUndefined();
  });
});

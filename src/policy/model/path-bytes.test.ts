import { holdsUnreadableBytes, traceReadingOfLatin1 } from './path-bytes';
import { matchPath } from '../path-match';
import { buildModel } from './build-model';
import { parsePolicy } from '../parse';
import { allows } from '../grants';
import type { PolicyModel } from './types';

/** Text decoded one character per byte, as the CLI decodes a latin1 policy. */
const latin1 = (...bytes: number[]): string => String.fromCharCode(...bytes);

describe('a latin1 path read as the trace reads its bytes', () => {
  it('keeps ASCII, decodes valid UTF-8 bytes, and escapes bytes that are not UTF-8', () => {
    expect(traceReadingOfLatin1('/dev/ser1')).toBe('/dev/ser1');
    expect(traceReadingOfLatin1(`/dev/caf${latin1(0xc3, 0xa9)}`)).toBe('/dev/café');
    expect(traceReadingOfLatin1(`/dev/caf${latin1(0xe9)}`)).toBe('/dev/caf\udce9');
    // Once one byte is not UTF-8, every non-ASCII byte of the path is escaped: distinct bytes stay distinct.
    expect(traceReadingOfLatin1(`/${latin1(0xc3, 0xa9)}/${latin1(0xe9)}`)).toBe(
      '/\udcc3\udca9/\udce9',
    );
    expect(holdsUnreadableBytes('/dev/caf\udce9')).toBe(true);
    expect(holdsUnreadableBytes('/dev/😀')).toBe(false);
  });

  it('a rule path holding such bytes matches nothing, wildcards or not', () => {
    const rules = ['/dev/caf\udce9', '/dev/caf\udce9*', '/dev/[a-\udcff]', '/dev/caf\udce9/...'];
    const paths = ['/dev/caf\udce9', '/dev/caf\ufffd', '/dev/café', '/dev/a', '/dev/caf\udce9/x'];
    for (const rule of rules) for (const path of paths) expect(matchPath(rule, path)).toBe(false);
    // The same wildcards without such bytes do match.
    expect(matchPath('/dev/[a-z]', '/dev/a')).toBe(true);
  });

  it('buildModel reads the paths of a file marked latin1 by bytes, and of any other file as written', () => {
    const text = `type devc_t;\nallow_attach devc_t { /dev/caf${latin1(0xc3, 0xa9)} /dev/x${latin1(0xe9)} };\n`;
    const marked = { ...parsePolicy(text, { file: 'p.secpol' }).ast, encoding: 'latin1' as const };
    const plain = parsePolicy(text, { file: 'p.secpol' }).ast;
    const byBytes = buildModel({ type: 'policy', files: [marked] });
    const asWritten = buildModel({ type: 'policy', files: [plain] });
    const paths = (m: PolicyModel): string[] => m.grants.get('devc_t')!.attaches.map((r) => r.path);
    expect(paths(byBytes)).toEqual(['/dev/café', '/dev/x\udce9']);
    expect(paths(asWritten)).toEqual(['/dev/cafÃ©', '/dev/xé']);
    const access = (path: string) => ({ kind: 'attach' as const, type: 'devc_t', path });
    expect(allows(byBytes, access('/dev/café')).allowed).toBe(true);
    expect(allows(byBytes, access('/dev/xé')).allowed).toBe(false);
    expect(allows(byBytes, access('/dev/x\ufffd')).allowed).toBe(false);
    expect(allows(asWritten, access('/dev/xé')).allowed).toBe(true);
    // The AST keeps the file's own characters: printing writes back the bytes read.
    expect(marked.statements[1]).toEqual(plain.statements[1]);
  });
});

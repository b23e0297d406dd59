/**
 * `--templates DIR` on every command that prints through a template, end to
 * end: a copy of the shipped templates/ prints the goldens byte for byte;
 * docs/templates.md's worked override, its error examples and its data
 * tables are checked against what the commands do.
 */
import {
  cpSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { applyPatch } from 'diff';
import { runCli } from '../test-utils/run-cli';
import { TEMPLATE_NAMES } from '../render/templates';
import * as builtin from '../render/builtin-templates';
import { loadTemplates } from './load-templates';

const root = path.join(__dirname, '..', '..');
const samples = path.join(root, 'samples');
const shipped = path.join(root, 'templates');
const doc = readFileSync(path.join(root, 'docs', 'templates.md'), 'utf8');

/** Every templated output: [sample, argv, golden]. */
const TEMPLATED: [string, string[], string][] = [
  [
    'seed-walkthrough',
    ['suggest', 'trace.log', '--policy', 'policy.secpol', '--explain'],
    'expected.secpol',
  ],
  [
    'multi-process-boot',
    ['suggest', 'trace.log', '--policy', 'policy.secpol', '--format', 'markdown'],
    'expected.md',
  ],
  ['merge-into-blocks', ['generate', 'trace.log'], 'expected.draft.secpol'],
  ['seed-walkthrough', ['generate', 'trace.log', '-c', '--collapse'], 'expected.draft-c.secpol'],
  [
    'seed-walkthrough',
    ['explain', 'trace.log', '--policy', 'policy.secpol', '--format', 'markdown'],
    'expected.explain.md',
  ],
  [
    'review-harden',
    ['harden', 'trace.log', '--policy', 'policy.secpol', '--format', 'markdown'],
    'expected.harden.md',
  ],
  ['review-diff', ['diff', 'old', 'new', '--format', 'markdown'], 'expected.diff.md'],
];

/** The fenced blocks of `lang` in a markdown text, in order. */
function blocks(text: string, lang: string): string[] {
  return [...text.matchAll(new RegExp('^ *```' + lang + '\\n([\\s\\S]*?)^ *```$', 'gm'))].map((m) =>
    m[1]!.replace(/^ {2}/gm, ''),
  );
}

let work: string;
beforeAll(() => {
  work = mkdtempSync(path.join(tmpdir(), 'secpol-templates-'));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** A fresh copy of the shipped templates/ under the work directory. */
function copyOfShipped(name: string): string {
  const dir = path.join(work, name);
  cpSync(shipped, dir, { recursive: true });
  return dir;
}

describe('the template names', () => {
  it('are exactly the shipped templates/*.hbs', () => {
    const files = readdirSync(shipped).filter((f) => f.endsWith('.hbs'));
    expect([...TEMPLATE_NAMES].map((n) => `${n}.hbs`).sort()).toEqual(files.sort());
  });
});

describe('--templates with a copy of the shipped templates/', () => {
  it.each(TEMPLATED)('%s: %j prints %s byte for byte', async (sample, argv, golden) => {
    const own = copyOfShipped(`copy-${sample}-${argv[0]}`);
    // Extra files beside the templates (a README, a backup) are left alone.
    writeFileSync(path.join(own, 'README.md'), 'my templates\n');
    const cwd = path.join(samples, sample);
    const r = await runCli([...argv, '--templates', own], { cwd });
    expect(r.stderr).not.toContain('secpol-learn: ' + own);
    expect(r.stdout).toBe(readFileSync(path.join(cwd, golden), 'utf8'));
  });

  it('takes DIR relative to the working directory, and names files as the user wrote them', async () => {
    const cwd = path.join(work, 'relative');
    mkdirSync(cwd);
    cpSync(path.join(samples, 'seed-walkthrough'), cwd, { recursive: true });
    cpSync(shipped, path.join(cwd, 'my-templates'), { recursive: true });
    writeFileSync(
      path.join(cwd, 'my-templates', 'harden.hbs'),
      '{{#each sections}}\n{{nope}}\n{{/each}}\n',
    );
    const args = ['trace.log', '--policy', 'policy.secpol', '--format', 'markdown'];
    const ok = await runCli(['explain', ...args, '--templates', 'my-templates'], { cwd });
    expect(ok.stdout).toBe(readFileSync(path.join(cwd, 'expected.explain.md'), 'utf8'));
    const broken = await runCli(['harden', ...args, '--templates', 'my-templates'], { cwd });
    expect(broken.code).toBe(2);
    expect(broken.stdout).toBe('');
    expect(broken.stderr).toBe(
      'secpol-learn: my-templates/harden.hbs:2:3: template failed: no field "nope" here (docs/templates.md lists each template\'s data)\n',
    );
  });

  it('quotes a broken line without the control characters it holds', async () => {
    const own = path.join(work, 'hostile');
    mkdirSync(own);
    writeFileSync(path.join(own, 'diff.hbs'), '{{title}}\n\x1b]0;owned\x07 {{#each}\n');
    const r = await runCli(['diff', 'old', 'new', '--templates', own], {
      cwd: path.join(samples, 'review-diff'),
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      `secpol-learn: ${own}/diff.hbs:2: invalid template: syntax error in "?]0;owned? {{#each}"\n`,
    );
  });

  it('reads a template saved with a byte-order mark as the same template', async () => {
    const own = copyOfShipped('bom');
    const file = path.join(own, 'diff.hbs');
    writeFileSync(file, '\uFEFF' + readFileSync(file, 'utf8'));
    const cwd = path.join(samples, 'review-diff');
    const r = await runCli(['diff', 'old', 'new', '--format', 'markdown', '--templates', own], {
      cwd,
    });
    expect(r.stdout).toBe(readFileSync(path.join(cwd, 'expected.diff.md'), 'utf8'));
  });

  it('falls back to the built-in template for a name missing from DIR', async () => {
    const own = path.join(work, 'only-diff');
    mkdirSync(own);
    writeFileSync(path.join(own, 'diff.hbs'), '{{#each types}}{{name}}\n{{/each}}');
    const cwd = path.join(samples, 'review-diff');
    const diff = await runCli(['diff', 'old', 'new', '--format', 'markdown', '--templates', own], {
      cwd,
    });
    expect(diff.code).toBe(1);
    expect(diff.stdout).toMatch(/^(\w+\n)+$/);
    const seed = path.join(samples, 'seed-walkthrough');
    const explain = await runCli(
      [
        'explain',
        'trace.log',
        '--policy',
        'policy.secpol',
        '--format',
        'markdown',
        '--templates',
        own,
      ],
      { cwd: seed },
    );
    expect(explain.stdout).toBe(readFileSync(path.join(seed, 'expected.explain.md'), 'utf8'));
  });

  it('checks every template in DIR before reading anything, whichever the command prints', async () => {
    const own = copyOfShipped('broken-draft');
    writeFileSync(path.join(own, 'draft.hbs'), '{{#each sections}}\n');
    const r = await runCli(
      ['check', 'no-such-trace.log', '--policy', 'policy.secpol', '--templates', own],
      { cwd: path.join(samples, 'seed-walkthrough') },
    );
    // check prints no template: it has no --templates.
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('unknown option --templates');
    const e = await runCli(
      ['explain', 'no-such-trace.log', '--policy', 'policy.secpol', '--templates', own],
      { cwd: path.join(samples, 'seed-walkthrough') },
    );
    expect(e.code).toBe(2);
    expect(e.stderr).toMatch(
      /draft\.hbs:2: invalid template: syntax error at the end \(a block left open\?\)\n$/,
    );
    expect(e.stderr).not.toContain('no-such-trace.log');
  });
});

describe('docs/templates.md', () => {
  it('worked override: the diff it shows, applied to a copy of templates/, gives the output it shows', async () => {
    const [patch] = blocks(doc, 'diff');
    const [shown] = blocks(doc, 'markdown');
    expect(patch).toBeDefined();
    const own = copyOfShipped('worked');
    const file = path.join(own, 'explain.hbs');
    const edited = applyPatch(readFileSync(file, 'utf8'), patch!);
    expect(edited).not.toBe(false);
    writeFileSync(file, edited as string);
    const cwd = path.join(samples, 'seed-walkthrough');
    const argv = ['explain', '--policy', 'policy.secpol', 'trace.log', '--format', 'markdown'];
    const r = await runCli([...argv, '--templates', own], { cwd });
    expect(r.code).toBe(0);
    expect(r.stdout.startsWith(shown!)).toBe(true);
    // The change is the template's: the shipped one prints something else.
    const plain = await runCli(argv, { cwd });
    expect(plain.stdout.startsWith(shown!)).toBe(false);
  });

  it('error examples: each is what the command prints for such a template', async () => {
    const lines = blocks(doc, 'text')
      .flatMap((b) => b.split('\n'))
      .filter((l) => l.startsWith('secpol-learn: my-templates/'));
    const cwd = path.join(work, 'errors');
    mkdirSync(cwd);
    cpSync(path.join(samples, 'seed-walkthrough'), cwd, { recursive: true });
    const own = path.join(cwd, 'my-templates');
    const replaceLine = (name: string, n: number, text: string): void => {
      cpSync(shipped, own, { recursive: true });
      const src = readFileSync(path.join(own, name), 'utf8').split('\n');
      src[n - 1] = text;
      writeFileSync(path.join(own, name), src.join('\n'));
    };
    const cases: (() => void)[] = [
      () => replaceLine('harden.hbs', 7, '## {{title}} ({{count})'),
      () => replaceLine('explain.hbs', 2, '{{> header}}'),
      () => replaceLine('explain.hbs', 9, '## {{title}} ({{counts}})'),
      () => {
        cpSync(shipped, own, { recursive: true });
        writeFileSync(path.join(own, 'snipet.hbs'), '');
      },
    ];
    expect(lines).toHaveLength(cases.length);
    for (const [i, make] of cases.entries()) {
      rmSync(own, { recursive: true, force: true });
      make();
      const r = await runCli(
        [
          'explain',
          'trace.log',
          '--policy',
          'policy.secpol',
          '--format',
          'markdown',
          '--templates',
          'my-templates',
        ],
        { cwd },
      );
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toBe(`${lines[i]}\n`);
    }
  });

  it('data tables: every field each command gives its template, with its type, and no other', async () => {
    const documented = documentedFields();
    const given = await givenFields();
    expect(Object.keys(documented).sort()).toEqual([...TEMPLATE_NAMES].sort());
    for (const name of TEMPLATE_NAMES) {
      const seen = given.get(name)!;
      expect(seen).toBeDefined();
      // Fields under a list that was empty in every sample cannot be seen: they are taken as documented.
      const unseen = [...seen].filter(([, t]) => t === 'empty[]').map(([p]) => `${p}[].`);
      const doc = Object.entries(documented[name]!).filter(
        ([p]) => !unseen.some((u) => p.startsWith(u)),
      );
      const actual = [...seen].map(([p, t]) => [p, t === 'empty[]' ? documented[name]![p] : t]);
      expect(Object.fromEntries(actual)).toEqual(Object.fromEntries(doc));
    }
  });
});

/** The `### \`NAME.hbs\`` tables of docs/templates.md: field path → type. */
function documentedFields(): Record<string, Record<string, string>> {
  const out: Record<string, Record<string, string>> = {};
  const data = doc.slice(doc.indexOf('## The data of each template'));
  for (const part of data.split(/^### /m).slice(1)) {
    const name = /^`(\w+)\.hbs`/.exec(part)![1]!;
    out[name] = {};
    for (const m of part.matchAll(/^\| `([\w.[\]]+)` \| `([\w[\]]+)` \|/gm))
      out[name][m[1]!] = m[2]!;
  }
  return out;
}

/** The fields (path → type) each template is given, over the samples and every templated command. */
async function givenFields(): Promise<Map<string, Map<string, string>>> {
  const seen = new Map<string, Map<string, string>>();
  const typeOf = (v: unknown): string =>
    Array.isArray(v)
      ? v.length === 0
        ? 'empty[]'
        : `${typeof v[0] === 'object' ? 'object' : typeof v[0]}[]`
      : typeof v;
  const walk = (m: Map<string, string>, v: unknown, p: string): void => {
    const t = typeOf(v);
    if (p && (!m.has(p) || m.get(p) === 'empty[]')) m.set(p, t);
    if (Array.isArray(v)) {
      for (const x of v) if (typeof x === 'object') walk(m, x, `${p}[]`);
    } else if (v && typeof v === 'object')
      for (const [k, y] of Object.entries(v)) walk(m, y, p ? `${p}.${k}` : k);
  };
  const original = builtin.builtinTemplate;
  const spy = jest.spyOn(builtin, 'builtinTemplate').mockImplementation((name) => (view) => {
    if (!seen.has(name)) seen.set(name, new Map());
    walk(seen.get(name)!, view, '');
    return original(name)(view);
  });
  try {
    for (const sample of [
      'seed-walkthrough',
      'multi-process-boot',
      'review-harden',
      'merge-into-blocks',
    ]) {
      const cwd = path.join(samples, sample);
      const base = ['trace.log', '--policy', 'policy.secpol'];
      for (const argv of [
        ['suggest', ...base, '--format', 'markdown'],
        ['suggest', ...base, '-c', '--format', 'markdown'],
        ['explain', ...base, '--format', 'markdown'],
        ['harden', ...base, '--format', 'markdown'],
        ['generate', 'trace.log', '-c', '--collapse'],
        ['generate', 'trace.log', '--base', 'policy.secpol'],
      ])
        await runCli(argv, { cwd });
    }
    await runCli(['diff', 'old', 'new', '--format', 'markdown'], {
      cwd: path.join(samples, 'review-diff'),
    });
  } finally {
    spy.mockRestore();
  }
  // `a[]` (the elements of list `a`) is written `a[].b` for their fields; the element itself is not a field.
  for (const m of seen.values()) for (const p of [...m.keys()]) if (p.endsWith('[]')) m.delete(p);
  return seen;
}

describe('loadTemplates', () => {
  it('gives the built-in templates without a directory', () => {
    const t = loadTemplates();
    expect(Object.keys(t).sort()).toEqual([...TEMPLATE_NAMES].sort());
  });
});

/**
 * The seed walkthrough end to end through the real stages: the sample trace
 * read by parseTrace, the sample policy read by parsePolicy, every event
 * evaluated. The page explains four denials; each must come out with the
 * reason the page gives, and nothing else may be denied silently.
 */
import { createReadStream, readFileSync } from 'node:fs';
import { parseTrace } from '../trace/parse-trace';
import type { TraceEvent } from '../trace/event';
import { parsePolicy } from './parse';
import { buildModel } from './model/build-model';
import { evaluate } from './evaluate';

const DIR = 'samples/seed-walkthrough';

async function seedEvents(): Promise<TraceEvent[]> {
  const events: TraceEvent[] = [];
  for await (const e of parseTrace(createReadStream(`${DIR}/trace.log`), {
    file: `${DIR}/trace.log`,
  }))
    events.push(e);
  return events;
}

describe('seed walkthrough: trace evaluated against its policy', () => {
  const { ast, diagnostics } = parsePolicy(readFileSync(`${DIR}/policy.secpol`, 'utf8'), {
    file: `${DIR}/policy.secpol`,
  });
  const model = buildModel({ type: 'policy', files: [ast] });

  it('parses the policy without diagnostics', () => {
    expect(diagnostics).toEqual([]);
  });

  it('gives the denials the page explains, at their trace lines', async () => {
    const denied = (await seedEvents())
      .filter((e) => e.severity === 'error')
      .map((e) => {
        const v = evaluate(model, e);
        return `${e.position.line} ${v.allowed ? 'allowed' : v.reason}`;
      });
    expect(denied).toEqual([
      '1 no-ability', // fs_user_t lacks PATHSPACE
      '4 no-attach-rule', // fs_nonuser_t may not attach /
      '19 no-connect-rule', // fs_nonuser_t may not connect to fs_t
      '27 no-attach-rule', // ln on /tmp/: only the link rule /tmp/libc* exists
    ]);
  });

  it('allows the successes its policy grants and names the one it does not', async () => {
    const infos = (await seedEvents()).filter((e) => e.severity === 'info');
    const verdicts = infos.map((e) => {
      const v = evaluate(model, e);
      return `${e.record.split(' ').slice(4).join(' ')} => ${v.allowed ? 'allowed' : v.reason}`;
    });
    expect(verdicts).toEqual([
      'fs_t uses ability IO as root => allowed',
      // The page's quoted policy grants fs_t neither PUBLIC_CHANNEL nor PATHSPACE;
      // QNX's default abilities are not modelled (docs/policy-model.md).
      'fs_t uses ability PUBLIC_CHANNEL as root => no-ability',
      'fs_t uses ability PATHSPACE as root => no-ability',
      'type fs_t attached channel to path /dev/fsF => allowed',
      'type fs_t attached channel to path /fsFp0 => allowed',
      'type fs_t attached channel to path /dev/fsFp0 => allowed',
      'fs_user_t uses ability CHANNEL_CONNECT(1) (fs_t) as root => allowed',
      // The page shows this link succeeding; its quoted policy only links /tmp/libc*.
      'type fs_nonuser_t created link to path /tmp/ => no-link-rule',
    ]);
  });
});

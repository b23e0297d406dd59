import { inferRequirements } from '../infer/infer-requirements';
import { abilityEvent, pathEvent } from '../infer/test-events';
import { learn } from './learn';

describe('learn: abilities the chosen QNX release does not define', () => {
  // A 7.1 target's trace (QNET, KEYDATA exist there) read for an 8.0 policy.
  const events = [
    abilityEvent({ type: 'net_t', ability: 'QNET' }),
    abilityEvent({ type: 'net_t', ability: 'PATHSPACE' }),
    abilityEvent({ type: 'net_t', ability: 'network/bind/privport' }),
  ];
  const run = (qnx: '7.1' | '8.0') =>
    learn(inferRequirements(events), undefined, {
      mode: 'suggest',
      qnx,
      traceFiles: ['t.log'],
      eventCount: events.length,
    }).patch.review.filter((r) => r.code === 'unknown-ability');

  it('sends them to review for 8.0, still emitting the rule', () => {
    expect(run('8.0').map((r) => r.message)).toEqual([
      'net_t needs qnet, which QNX 8.0 does not define (was the trace taken on another release? see --qnx)',
    ]);
  });

  it('says nothing when the release has them, nor for dynamic abilities', () => {
    expect(run('7.1')).toEqual([]);
  });
});

describe('learn: distinct accesses', () => {
  it('counts each (type, kind, domain, object) once over its processes', () => {
    const events = [
      pathEvent({ kind: 'attach', type: 'a_t', process: 'sbin/x', path: '/dev/a' }),
      pathEvent({ kind: 'attach', type: 'a_t', process: 'sbin/y', path: '/dev/a' }),
      // Keys of one length that differ, and a key whose object extends another's.
      pathEvent({ kind: 'attach', type: 'a_t', process: 'sbin/x', path: '/dev/b' }),
      pathEvent({ kind: 'attach', type: 'a_t', process: 'sbin/x', path: '/dev/a/b' }),
      pathEvent({ kind: 'attach', type: 'a_t', process: 'sbin/z', path: '/dev/a/b' }),
      abilityEvent({ type: 'a_t', process: 'sbin/x', ability: 'IO' }),
      abilityEvent({ type: 'a_t', process: 'sbin/y', ability: 'IO', domain: 'non-root' }),
      abilityEvent({ type: 'a_t', process: 'sbin/z', ability: 'IO', domain: 'non-root' }),
      abilityEvent({ type: 'b_t', process: 'sbin/x', ability: 'IO' }),
    ];
    const result = learn(inferRequirements(events), undefined, {
      mode: 'suggest',
      traceFiles: ['t.log'],
      eventCount: events.length,
    });
    expect(result.requirementCount).toBe(6);
  });
});

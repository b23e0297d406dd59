import { inferRequirements } from '../infer/infer-requirements';
import { abilityEvent } from '../infer/test-events';
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

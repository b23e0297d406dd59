/**
 * TwoLanes' protocol: which lane takes a record, which learns from the
 * parser's event, what the parser is told, for every pair of answers.
 */
import type { TraceEvent } from '../trace/event';
import type { LaneMatch } from '../trace/push-parser';
import type { FastLane } from './fast-lane';
import { TwoLanes } from './two-lanes';

/** A lane that answers `answer` and records what it is told. */
class FakeLane {
  answer: LaneMatch = undefined;
  told: string[] = [];
  followed: unknown = undefined;
  spanEnd = 7;
  spanLines = 1;
  match(): LaneMatch {
    this.told.push('match');
    return this.answer;
  }
  take(): void {
    this.told.push('take');
  }
  learned(): void {
    this.told.push('learned');
  }
  follow(lead: unknown): void {
    this.followed = lead;
  }
}

const ANSWERS: LaneMatch[] = [undefined, 'new', 'ability', 'link', 'unknown'];
const EVENT = {} as TraceEvent;

describe('TwoLanes', () => {
  it('takes a record both take as one kind; else the parser reads it, each lane that found it new learning from its event', () => {
    for (const a of ANSWERS) {
      for (const b of ANSWERS) {
        const first = new FakeLane();
        const second = new FakeLane();
        const lanes = new TwoLanes(first as unknown as FastLane, second as unknown as FastLane);
        expect(second.followed).toBe(first);
        first.answer = a;
        second.answer = b;
        const said = lanes.match(Buffer.alloc(0), 0, 0, 'f', 1);
        const isNew = a === 'new' || b === 'new';
        const both = a !== undefined && a === b && !isNew;
        expect(said).toBe(isNew ? 'new' : both ? a : undefined);
        // The parser calls take on any answer but undefined, and learned once the record closes.
        if (said !== undefined) lanes.take();
        if (said === 'new') lanes.learned(EVENT);
        expect(first.told).toEqual(
          a === 'new' ? ['match', 'take', 'learned'] : both ? ['match', 'take'] : ['match'],
        );
        expect(second.told).toEqual(
          b === 'new' ? ['match', 'take', 'learned'] : both ? ['match', 'take'] : ['match'],
        );
        if (both) expect([lanes.spanEnd, lanes.spanLines]).toEqual([7, 1]);
      }
    }
  });

  it('tells no lane of a later event what it learned from an earlier one', () => {
    const first = new FakeLane();
    const second = new FakeLane();
    const lanes = new TwoLanes(first as unknown as FastLane, second as unknown as FastLane);
    first.answer = 'new';
    lanes.match(Buffer.alloc(0), 0, 0, 'f', 1);
    lanes.take();
    lanes.learned(EVENT);
    lanes.learned(EVENT);
    expect(first.told).toEqual(['match', 'take', 'learned']);
  });
});

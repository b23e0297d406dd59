import { parseTraceText } from '../trace/push-parser';
import { generatedTrace } from '../test-utils/generated-trace';
import {
  formatEvent,
  formatEventJson,
  formatParsedEvent,
  formatParsedEventJson,
} from './trace-event';

describe('formatParsedEvent', () => {
  test("the parser's events print as formatEvent prints them, controls and invisible characters included", async () => {
    const hostile = [
      'error: bin/a\x1b]0;pwned\x07 (pid:1) type a_t lacks ability IO as root',
      'error: bin/\u202eb (pid:2) of type t failed to attach to path /dev/\u200bx: no\x7f rule',
      'info: bin/c (pid:3) of type t created link to path /tmp/\u2028y',
      'error: bin/d (pid:4) type t lacks ability my/abil\u00adity(1) as ro\u061cot',
      'error: bin/e (pid:5) sent an unregistered sigevent to \x9bbin/f',
      'error: bin/g (pid:6) type t lacks ability CHANNEL_CONNECT(7) (fs_\ufeffuser_t) as root',
      '{"schema":"secpol-learn/trace-event@1","record":"error: bin/h (pid:7) type t lacks ability IO as root"}',
    ];
    const generated = (await generatedTrace(3, 2000)).toString('latin1');
    const events = parseTraceText(`${hostile.join('\n')}\n${generated}`).events;
    expect(events.length).toBeGreaterThan(1500);
    for (const e of events) {
      expect(formatParsedEvent(e)).toBe(formatEvent(e));
      expect(formatParsedEventJson(e)).toBe(formatEventJson(e));
    }
    // Times, wrapped records and altered marks are in some of the objects compared.
    const json = events.map(formatEventJson).join('\n');
    expect(json).toContain('"time":');
    expect(json).toContain('"altered":true');
    // The events held those characters before the parser read them as `?`.
    expect(events.slice(0, 6).every((e) => formatEvent(e).includes('?'))).toBe(true);
  });
});

/**
 * `migrate`'s trace check: ability checks recorded on another release. A
 * trace whose records name a static ability the target release does not
 * define (`QNET` read for 8.0) was taken on a release that has it; what it
 * shows is not what the target will check. One warning per trace file and
 * ability, at the first record naming it, with the count of such records.
 * Streaming: `add` each event, then `warnings()`. Pure (no I/O).
 */
import type { TraceEvent } from '../trace/event';
import { QNX_VERSIONS, abilityInfo, type QnxVersion } from '../qnx/abilities';

/** Records of one trace file naming an ability the target release lacks. */
export interface OtherReleaseWarning {
  file: string;
  /** The first record naming it. */
  line: number;
  /** As the monitor printed it (`QNET`). */
  ability: string;
  /** Releases whose tables define it. */
  releases: QnxVersion[];
  records: number;
}

export class OtherReleaseCheck {
  private readonly found = new Map<string, OtherReleaseWarning>();

  constructor(private readonly target: QnxVersion) {}

  add(e: TraceEvent): void {
    if (e.kind !== 'ability' || e.ability.dynamic) return;
    const name = e.ability.policyName;
    const key = `${e.position.file}\u0000${name}`;
    const seen = this.found.get(key);
    if (seen) {
      seen.records++;
      return;
    }
    if (abilityInfo(name, this.target)?.kind === 'static') return;
    const releases = QNX_VERSIONS.filter((v) => abilityInfo(name, v)?.kind === 'static');
    // A name no release defines is no sign of another release (report-unknown-ability's business).
    if (releases.length === 0) return;
    this.found.set(key, {
      file: e.position.file,
      line: e.position.line,
      ability: e.ability.monitorName,
      releases,
      records: 1,
    });
  }

  /** The warnings, by file then line. */
  warnings(): OtherReleaseWarning[] {
    return [...this.found.values()].sort((a, b) =>
      a.file === b.file ? a.line - b.line : a.file < b.file ? -1 : 1,
    );
  }
}

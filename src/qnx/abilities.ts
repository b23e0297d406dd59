/**
 * QNX process-manager ability tables for 7.0, 7.1 and 8.0 (reference §3.2,
 * generated from the two `sys/procmgr.h` headers it quotes), the known
 * custom abilities of §3.3, and lookups by policy or monitor name.
 *
 * Handles: static names (case-insensitive), ids per version, subrange
 * domains, default root/non-root grants, the vaddr / address / type-id
 * ability classes. Does not handle: abilities of releases other than these
 * three, or custom abilities beyond the documented 7.0 list (any dynamic name
 * is valid in a policy; this list only says which ones QNX itself defines).
 *
 * Assumption [INF]: 7.0 has the same static table as 7.1 (the reference
 * has no 7.0 header); documented in docs/policy-model.md.
 */

/** The QNX releases the tables describe. */
export type QnxVersion = '7.0' | '7.1' | '8.0';

/** Every supported `--qnx` value, oldest first. */
export const QNX_VERSIONS: readonly QnxVersion[] = ['7.0', '7.1', '8.0'];

/** The version used when `--qnx` is not given. */
export const DEFAULT_QNX_VERSION: QnxVersion = '7.1';

/** What one static ability is in one QNX version. */
export interface StaticAbilityInfo {
  kind: 'static';
  /** Policy spelling, lower case (`mem_phys`). */
  name: string;
  /** secpolmonitor spelling, `PROCMGR_AID_` without the prefix (`MEM_PHYS`). */
  monitorName: string;
  /** Numeric id in this version. */
  id: number;
  /** What a subrange counts (`uid`, `paddr`, `type id`, `none`). */
  domain: string;
  /** True when the ability accepts subranges. */
  ranged: boolean;
  /** Allowed to root processes when no policy says otherwise. */
  defaultRoot: boolean;
  /** Allowed to non-root processes when no policy says otherwise (not privileged). */
  defaultNonRoot: boolean;
  /** Subranges are virtual addresses: they change with every boot (ASLR). */
  vaddr: boolean;
  /** Subrange values are physical addresses: printed in hex. */
  address: boolean;
  /** Subrange values are security type ids, written as type names in policies. */
  typeId: boolean;
}

/** A custom ability QNX components are documented to create (reference §3.3). */
export interface DynamicAbilityInfo {
  kind: 'dynamic';
  name: string;
  /** True when the name is in QNX's documented list of custom abilities. */
  known: boolean;
}

export type AbilityInfo = StaticAbilityInfo | DynamicAbilityInfo;

/** Abilities whose subranges are virtual addresses. */
export const VADDR_ABILITIES: ReadonlySet<string> = new Set([
  'map_fixed',
  'prot_exec',
  'mem_lock',
  'prot_write_and_exec',
]);

/** The largest ability value: values and subranges are 64-bit (a larger number is refused or an error everywhere). */
export const MAX_ABILITY_VALUE = (1n << 64n) - 1n;

/** Abilities whose subranges are physical addresses (printed in hex). */
export const ADDRESS_ABILITIES: ReadonlySet<string> = new Set(['mem_phys', 'mem_add']);

/** Abilities whose subranges are type ids, written as type names. */
export const TYPE_ID_ABILITIES: ReadonlySet<string> = new Set(['settypeid', 'channel_connect']);

/** Custom abilities documented by QNX (7.0 `procmgr_ability_lookup()` page; the list is truncated there). */
export const KNOWN_CUSTOM_ABILITIES: readonly string[] = [
  'fsevmgr/qnxext',
  'fsevmgr/recurse',
  'ioaudio/capturerestricted',
  'ioaudio/playbackrestricted',
  'iofunc/chown',
  'iofunc/dup',
  'iofunc/exec',
  'iofunc/read',
  'io-gpio/all',
  'network/bind/privport',
  'network/interface/getpriv',
  'network/interface/setpriv',
  'network/route/set',
  'network/socket/rawsock',
  'smmu/attach',
  'smmu/target',
  'vfs/fs-control',
  'vfs/hook-control',
  'vfs/mount-blk',
];

const KNOWN_CUSTOM: ReadonlySet<string> = new Set(KNOWN_CUSTOM_ABILITIES);

/**
 * [policy name, id 7.1, id 8.0, flags 7.1, flags 8.0, subrange domain].
 * Flags: `R` allowed to root by default, `N` allowed to non-root by default,
 * `+` accepts subranges; undefined = absent from that version.
 */
type Row = [
  string,
  number | undefined,
  number | undefined,
  string | undefined,
  string | undefined,
  string,
];

const ROWS: Row[] = [
  ['spawn_setuid', 0, 0, 'R+', 'R+', 'uid'],
  ['spawn_setgid', 1, 1, 'R+', 'R+', 'gid'],
  ['setuid', 2, 2, 'R+', 'R+', 'uid'],
  ['setgid', 3, 3, 'R+', 'R+', 'gid'],
  ['getid', 4, 4, 'R', 'R', 'none'],
  ['pathspace', 5, 5, 'R', 'R', 'none'],
  ['reboot', 6, 6, 'R', 'R', 'none'],
  ['cpumode', 7, 7, 'R+', 'R+', 'mode'],
  ['runstate', 8, 8, 'R+', 'R+', 'cpu'],
  ['confset', 9, 9, 'R+', 'R+', 'name'],
  ['rsrcdbmgr', 10, 10, 'R', 'R', 'none'],
  ['session', 11, 11, 'R+', 'R+', 'sid'],
  ['umask', 12, 12, 'R', 'R', 'none'],
  ['event', 13, 13, 'R+', 'R+', 'trigger bits'],
  ['rlimit', 14, 14, 'R+', 'R+', 'limit'],
  ['mem_add', 15, 15, 'R+', 'R+', 'paddr'],
  ['mem_phys', 16, 16, 'R+', 'R+', 'paddr'],
  ['mem_special', 17, 17, 'R', 'R', 'none'],
  ['mem_global', 18, 18, 'R', 'R', 'none'],
  ['mem_peer', 19, 19, 'R+', 'R+', 'pid'],
  ['mem_lock', 20, 20, 'R+', 'R+', 'vaddr'],
  ['spawn', 21, 21, 'RN', 'RN', 'none'],
  ['fork', 22, 22, 'RN', 'RN', 'none'],
  ['prot_exec', 23, 23, 'RN+', 'RN+', 'vaddr'],
  ['wait', 24, 24, 'R+', 'R+', 'pid'],
  ['v86', 25, undefined, 'R', undefined, 'none'],
  ['qnet', 26, undefined, 'R', undefined, 'none'],
  ['msg_queue', undefined, 26, undefined, 'R', 'none'],
  ['clockset', 27, 27, 'R+', 'R+', 'time'],
  ['dumper', undefined, 28, undefined, 'R', 'none'],
  ['clockperiod', 28, undefined, 'R+', undefined, 'period'],
  ['interrupt', 29, 29, 'R+', 'R+', 'interrupt'],
  ['keydata', 30, undefined, 'R', undefined, 'none'],
  ['io', 31, 31, 'R+', 'R+', 'level'],
  ['trace', 32, 32, 'R', 'R', 'none'],
  ['priority', 33, 33, 'R+', 'R+', 'priority'],
  ['connection', 34, 34, 'R', 'R', 'none'],
  ['schedule', 35, 35, 'R', 'R', 'none'],
  ['signal', 36, 36, 'R+', 'R+', 'signal'],
  ['timer', 37, 37, 'R+', 'R+', 'timerid'],
  ['pgrp', 38, 38, 'RN+', 'RN+', 'pgid'],
  ['map_fixed', 39, 39, 'RN+', 'RN+', 'vaddr'],
  ['path_trust', 40, 40, 'R', 'R', 'none'],
  ['swap', 41, 41, 'R', 'R', 'none'],
  ['rconstraint', 42, 42, 'RN', 'RN', 'none'],
  ['child_newapp', 43, 43, 'R', 'R', 'none'],
  ['public_channel', 44, 44, 'RN', 'RN', 'none'],
  ['aps_root', 45, 45, 'R', 'R', 'none'],
  ['able_create', 46, 46, 'R', 'R', 'none'],
  ['runstate_burst', 47, 47, 'RN+', 'RN+', 'length'],
  ['default_timer_tolerance', 48, 48, 'R', 'R', 'none'],
  ['xthread_threadctl', 49, undefined, 'RN+', undefined, 'subcommand'],
  ['xprocess_query', 50, 50, 'R+', 'R+', 'euid'],
  ['chroot', 51, 51, 'R', 'R+', '7.1: none; 8.0: 0, 1'],
  ['power', 52, 52, 'R', 'R', 'none'],
  ['prot_write_and_exec', 53, 53, 'RN+', 'RN+', 'vaddr'],
  ['srandom', 54, 54, 'R', 'R', 'none'],
  ['sandbox', 55, undefined, 'R', undefined, 'none'],
  ['qvm', 56, undefined, 'R', undefined, 'none'],
  ['hyp', undefined, 56, undefined, 'R', 'none (renamed from QVM)'],
  ['rlimit_peer', 57, 57, 'R+', 'R+', 'uid'],
  ['channel_connect', 58, 58, 'R+', 'R+', 'type id'],
  ['mac_policy', 59, 59, 'R', 'R', 'none'],
  ['settypeid', 60, 60, 'R+', 'R+', 'type id'],
  ['able_priv', 61, 61, 'R', 'R', 'none'],
  ['xprocess_able', 62, 62, 'R', 'R', 'none'],
  ['interruptevent', 63, undefined, 'R+', undefined, 'interrupt'],
  ['xprocess_debug', 64, 64, 'R+', 'R+', 'uid'],
  ['xprocess_mem_read', 65, 65, 'R+', 'R+', 'uid'],
  ['high_resolution_timer', 66, 66, 'R', 'R', 'none'],
  ['untrusted_exec', 67, 67, 'RN', 'RN', 'none'],
  ['server_monitor', 68, 68, 'R', 'R', 'none'],
  ['sigev_thread', 69, 69, 'RN', 'RN', 'none'],
  ['privreg', 70, 70, 'R+', 'R+', 'none'],
  ['mountifs', undefined, 71, undefined, 'R', 'none'],
  ['container_create', undefined, 72, undefined, 'R', 'none'],
  ['container_destroy', undefined, 73, undefined, 'R', 'none'],
  ['container_query', undefined, 74, undefined, 'R', 'none'],
  ['setcontainerid', undefined, 75, undefined, 'R', 'none'],
];

function buildTable(version: QnxVersion): Map<string, StaticAbilityInfo> {
  const table = new Map<string, StaticAbilityInfo>();
  const v8 = version === '8.0';
  for (const [name, id71, id80, f71, f80, domain] of ROWS) {
    const id = v8 ? id80 : id71;
    const flags = v8 ? f80 : f71;
    if (id === undefined || flags === undefined) continue;
    table.set(name, {
      kind: 'static',
      name,
      monitorName: name.toUpperCase(),
      id,
      domain:
        version !== '8.0' && name === 'chroot' ? 'none' : domain.replace(/^7\.1: none; 8\.0: /, ''),
      ranged: flags.includes('+'),
      defaultRoot: flags.includes('R'),
      defaultNonRoot: flags.includes('N'),
      vaddr: VADDR_ABILITIES.has(name),
      address: ADDRESS_ABILITIES.has(name),
      typeId: TYPE_ID_ABILITIES.has(name),
    });
  }
  return table;
}

const TABLES: Record<QnxVersion, Map<string, StaticAbilityInfo>> = {
  '7.0': buildTable('7.0'),
  '7.1': buildTable('7.1'),
  '8.0': buildTable('8.0'),
};

/** True for a supported `--qnx` value. */
export function isQnxVersion(s: string): s is QnxVersion {
  return (QNX_VERSIONS as readonly string[]).includes(s);
}

/** True when `name` is spelled as a dynamic ability: anything that is not a plain static-looking word. */
export function isDynamicAbilityName(name: string): boolean {
  return /[/.-]/.test(name);
}

/** The static abilities of `version`, in id order. */
export function staticAbilities(version: QnxVersion = DEFAULT_QNX_VERSION): StaticAbilityInfo[] {
  return [...TABLES[version].values()].sort((a, b) => a.id - b.id);
}

/**
 * What `name` is in `version`: a static ability (looked up case-insensitively,
 * policy or monitor spelling), a dynamic one (any name with `/`, `.` or `-`),
 * or undefined for a static-looking name this version does not define.
 */
export function abilityInfo(
  name: string,
  version: QnxVersion = DEFAULT_QNX_VERSION,
): AbilityInfo | undefined {
  if (isDynamicAbilityName(name)) return { kind: 'dynamic', name, known: KNOWN_CUSTOM.has(name) };
  return TABLES[version].get(name.toLowerCase());
}

/** The static ability with numeric `id` in `version`, if any (never map ids across versions). */
export function abilityById(
  id: number,
  version: QnxVersion = DEFAULT_QNX_VERSION,
): StaticAbilityInfo | undefined {
  for (const info of TABLES[version].values()) if (info.id === id) return info;
  return undefined;
}

/**
 * The model's spelling of an ability name: static names lower-cased (`IO` →
 * `io`), dynamic names as written (they are case-sensitive strings to procmgr).
 */
export function normaliseAbilityName(name: string): string {
  return isDynamicAbilityName(name) ? name : name.toLowerCase();
}

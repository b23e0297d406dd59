/**
 * Inputs of the benchmark besides traces (generate-trace.ts): a large,
 * valid secpol policy of N types with rules of every statement kind, and an
 * SELinux AVC denial log for timing audit2allow on the same line count.
 *
 * Not public API. Deterministic: same N, same text.
 */
import { distinctFailureLine } from './distinct-failures';

/** The types generate-trace.ts uses: declared so a trace evaluates against the big policy. */
const TRACE_TYPES = ['fs_t', 'fs_user_t', 'init_t', 'io_sock_t', 'screen_t'];

/** A valid policy declaring `types` types (plus the trace's), each with ability, connect, attach and link rules. */
export function bigPolicy(types: number): string {
  const out: string[] = ['type default;', 'allow_attach default /...;'];
  for (const t of TRACE_TYPES) out.push(`type ${t};`, `allow ${t} self:ability { io pathspace };`);
  for (let i = 0; i < types; i++) {
    const t = `t${i}_t`;
    out.push(
      `type ${t};`,
      `allow ${t} self:ability { io setuid:${i % 1000} };`,
      `allow ${t} t${(i * 7919) % types}_t:channel connect;`,
      `allow_attach ${t} /dev/svc${i}/*;`,
      `allow_link ${t} /tmp/t${i}/*;`,
    );
  }
  return `${out.join('\n')}\n`;
}

/**
 * Domains and object types of the SELinux reference policy (Debian's
 * selinux-policy-default): audit2allow looks every context up in a binary
 * policy, and drops denials whose types that policy does not define.
 */
const SELINUX_DOMAINS =
  'httpd sshd named syslogd crond ntpd dhcpc postfix_master cupsd mysqld getty init udev auditd system_dbusd rpcbind xdm local_login postgresql squid smbd nmbd dovecot avahi NetworkManager policykit colord lvm acpid gpm klogd mount fsadm ifconfig iptables ldconfig passwd sendmail rsync snmpd'.split(
    ' ',
  );
const SELINUX_OBJECTS =
  'var_log etc tmp user_home var usr bin lib shadow proc sysfs device tty_device var_run var_lib httpd_sys_content home_root boot cert locale net_conf var_spool mnt root default'.split(
    ' ',
  );

/** `lines` SELinux AVC denials (auditd format) over reference-policy types, as `audit2allow -i` reads them. */
export function selinuxLog(lines: number): string {
  // Each class with permissions it has (a wrong one is an error in audit2allow).
  const classes: Array<[string, string[]]> = [
    ['file', ['read', 'write', 'open', 'getattr', 'execute']],
    ['dir', ['read', 'search', 'getattr', 'open']],
    ['sock_file', ['write', 'getattr', 'read']],
    ['chr_file', ['read', 'write', 'open', 'getattr']],
  ];
  const out: string[] = [];
  for (let i = 0; i < lines; i++) {
    const domain = SELINUX_DOMAINS[i % SELINUX_DOMAINS.length]!;
    const object = SELINUX_OBJECTS[i % SELINUX_OBJECTS.length]!;
    const [tclass, perms] = classes[i % classes.length]!;
    const perm = perms[Math.floor(i / classes.length) % perms.length]!;
    out.push(
      `type=AVC msg=audit(1700000000.${String(i % 1000).padStart(3, '0')}:${i}): avc:  denied  { ${perm} } for  pid=${1000 + (i % 5000)} comm="${domain.slice(0, 15)}" name="f${i % 300}" dev="sda1" ino=${i % 100000} scontext=system_u:system_r:${domain}_t:s0 tcontext=system_u:object_r:${object}_t:s0 tclass=${tclass} permissive=0`,
    );
  }
  return `${out.join('\n')}\n`;
}

/**
 * `n` failures, each a requirement of its own, over `n / 10` types of the
 * bigPolicy (`t0_t`…) and 997 processes: attaches, values, connects and links.
 * Suggest and harden against bigPolicy must stay linear in both. The records
 * are distinct-failures.ts's (which streams them for 1M and more).
 */
export function distinctFailures(n: number): string {
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.push(distinctFailureLine(i, n));
  return `${out.join('\n')}\n`;
}

/** A policy whose one type `a_t` attaches `n` exact paths `/dev/<prefix>N` (one block). */
export function wideTypePolicy(n: number, prefix = 'x'): string {
  const out = ['type a_t;', 'allow_attach a_t {'];
  for (let i = 0; i < n; i++) out.push(`    /dev/${prefix}${i}`);
  out.push('};');
  return `${out.join('\n')}\n`;
}

/** `n` attach failures of `a_t` on paths no rule of wideTypePolicy names. */
export function wideTypeFailures(n: number): string {
  const out: string[] = [];
  for (let i = 0; i < n; i++)
    out.push(
      `error: bin/x (pid:1) of type a_t failed to attach to path /dev/d${i % 100}/n${i}: no rule`,
    );
  return `${out.join('\n')}\n`;
}

/** `n` executables sharing one type, each with a failure and a success: `-c` gives each a type. */
export function sharedTypeProcesses(n: number): string {
  const out: string[] = [];
  for (let i = 0; i < n; i++)
    out.push(
      `error: bin/p${i} (pid:${i}) type shared_t lacks ability SETUID(${i % 50}) as root`,
      `info: bin/p${i} (pid:${i}) of type shared_t attached channel to path /dev/p${i}`,
    );
  return `${out.join('\n')}\n`;
}

/**
 * Inputs of the benchmark besides traces (generate-trace.ts): a large,
 * valid secpol policy of N types with rules of every statement kind, and an
 * SELinux AVC denial log for timing audit2allow on the same line count.
 *
 * Not public API. Deterministic: same N, same text.
 */

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

/** `lines` SELinux AVC denials (auditd format), as audit2allow -i reads them. */
export function selinuxLog(lines: number): string {
  const perms = ['read', 'write', 'open', 'getattr', 'execute', 'search'];
  const classes = ['file', 'dir', 'sock_file', 'chr_file'];
  const out: string[] = [];
  for (let i = 0; i < lines; i++) {
    out.push(
      `type=AVC msg=audit(1700000000.${String(i % 1000).padStart(3, '0')}:${i}): avc:  denied  { ${perms[i % perms.length]} } for  pid=${1000 + (i % 5000)} comm="svc${i % 40}" name="f${i % 300}" dev="sda1" ino=${i % 100000} scontext=system_u:system_r:svc${i % 40}_t:s0 tcontext=system_u:object_r:data${i % 25}_t:s0 tclass=${classes[i % classes.length]} permissive=0`,
    );
  }
  return `${out.join('\n')}\n`;
}

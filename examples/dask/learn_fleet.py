#!/usr/bin/python3
"""Learn a fleet's secpol needs on a Dask cluster.

Map: each task runs `secpol-learn summarize` on a batch of device logs (the
tool is the map function; nothing is learned in Python). Reduce: partial
summaries are merged in a tree, each merge again `secpol-learn summarize`
over the summaries below it (summarizing summaries is their merge, exact:
docs/fleet.md). The final summary is written to --out; give it to
`secpol-learn suggest` (or generate), `check`, `explain` or `harden` as you
would the logs.

Logs are named relative to --root, a folder every worker sees at the same
path (NFS, a bind mount, the same image): those names are what the summary
and the final patch's evidence cite, as `secpol-learn suggest` run in --root
over the same names would.

  /usr/bin/python3 learn_fleet.py --local 2 --root /data/fleet --out fleet.jsonl 'devices/*.log*'
  /usr/bin/python3 learn_fleet.py --scheduler tcp://head:8786 --root /data/fleet --out fleet.jsonl 'devices/*'
"""
import argparse
import glob
import gzip
import os
import shlex
import subprocess
import sys
import tempfile

from dask.distributed import Client, LocalCluster


def summarize(tool, root, names):
    """Runs `secpol-learn summarize NAMES` in root; returns the summary, gzipped."""
    done = subprocess.run(
        [*tool, "summarize", *names], cwd=root, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    if done.returncode != 0:
        raise RuntimeError(done.stderr.decode("utf-8", "replace").strip())
    return gzip.compress(done.stdout, compresslevel=6)


def merge(tool, parts):
    """Merges gzipped summaries with `secpol-learn summarize`; returns the merged one, gzipped."""
    with tempfile.TemporaryDirectory(prefix="secpol-merge-") as tmp:
        names = []
        for i, part in enumerate(parts):
            name = os.path.join(tmp, f"part-{i:05d}.jsonl.gz")
            with open(name, "wb") as f:
                f.write(part)
            names.append(name)
        return summarize(tool, tmp, names)


def batches(items, size):
    return [items[i : i + size] for i in range(0, len(items), size)]


def learn(client, tool, root, names, batch, fanin):
    """The whole job: map over batches, then a merge tree of fan-in `fanin`; the final summary (gzip)."""
    jobs = batches(names, batch)
    level = client.map(summarize, [tool] * len(jobs), [root] * len(jobs), jobs, pure=False)
    while len(level) > 1:
        level = [client.submit(merge, tool, group, pure=False) for group in batches(level, fanin)]
    return level[0].result()


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    where = p.add_mutually_exclusive_group()
    where.add_argument("--scheduler", help="address of a running `dask scheduler` (tcp://host:8786)")
    where.add_argument("--local", type=int, metavar="N", help="start a LocalCluster of N worker processes")
    p.add_argument("--tool", default="secpol-learn", help="how to run secpol-learn on a worker (default: secpol-learn)")
    p.add_argument("--root", default=".", help="folder the log names are relative to, the same path on every worker")
    p.add_argument("--batch", type=int, default=16, help="device logs per map task (default 16)")
    p.add_argument("--fanin", type=int, default=8, help="summaries per merge task (default 8)")
    p.add_argument("--out", required=True, help="where to write the final summary (gzip when it ends in .gz)")
    p.add_argument("logs", nargs="+", help="log names or glob patterns, relative to --root")
    a = p.parse_args()
    root = os.path.abspath(a.root)
    names = sorted({n for pat in a.logs for n in (glob.glob(pat, root_dir=root) or [pat])})
    tool = shlex.split(a.tool)
    if a.scheduler:
        client = Client(a.scheduler)
    else:
        cluster = LocalCluster(n_workers=a.local or os.cpu_count(), threads_per_worker=1, processes=True)
        client = Client(cluster)
    try:
        final = learn(client, tool, root, names, max(1, a.batch), max(2, a.fanin))
    finally:
        client.close()
        if not a.scheduler:
            cluster.close()
    with open(a.out, "wb") as f:
        f.write(final if a.out.endswith(".gz") else gzip.decompress(final))
    print(f"learn_fleet: {len(names)} log(s) in {len(batches(names, a.batch))} task(s) -> {a.out}", file=sys.stderr)


if __name__ == "__main__":
    main()

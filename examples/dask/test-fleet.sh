#!/usr/bin/env bash
# npm run test:fleet: a generated fleet of 60 device logs learned on a Dask
# LocalCluster of 2 worker processes (learn_fleet.py) must give `suggest` the
# bytes a single-machine `suggest` over the same logs gives (stdout and
# stderr, three formats), and `check` the same (JSON). Exits non-zero
# otherwise. Needs Debian's python3-distributed for /usr/bin/python3.
set -euo pipefail
cd "$(dirname "$0")/../.."
repo="$PWD"
python=/usr/bin/python3
"$python" -c 'import distributed' 2>/dev/null || {
  echo "test:fleet: $python cannot import distributed (apt-get install -y python3-distributed)" >&2
  exit 2
}
npm run build >/dev/null
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
node dist/bench/make-fleet.js "$work/fleet" 60
cp samples/seed-walkthrough/policy.secpol "$work/policy.secpol"
tool="node $repo/dist/bin.js"
"$python" examples/dask/learn_fleet.py --local 2 --tool "$tool" --root "$work/fleet" \
  --batch 8 --fanin 3 --out "$work/fleet.jsonl" 'dev-*'
cd "$work/fleet"
status=0
for format in secpol json patch; do
  $tool suggest dev-* --policy ../policy.secpol --explain --format "$format" \
    >"../direct.$format" 2>"../direct.$format.err"
  $tool suggest ../fleet.jsonl --policy ../policy.secpol --explain --format "$format" \
    >"../dask.$format" 2>"../dask.$format.err"
  if cmp -s "../direct.$format" "../dask.$format" && cmp -s "../direct.$format.err" "../dask.$format.err"; then
    echo "test:fleet: suggest --format $format: identical bytes ($(wc -c <"../direct.$format") bytes)"
  else
    echo "test:fleet: suggest --format $format differs between the Dask summary and the logs:" >&2
    diff "../direct.$format" "../dask.$format" | head -20 >&2 || true
    diff "../direct.$format.err" "../dask.$format.err" | head -20 >&2 || true
    status=1
  fi
done
# The gate over the fleet's summary: the same report as over the logs (exit 1: uncovered failures).
set +e
$tool check dev-* --policy ../policy.secpol --format json >../direct.check 2>../direct.check.err
direct_rc=$?
$tool check ../fleet.jsonl --policy ../policy.secpol --format json >../dask.check 2>../dask.check.err
dask_rc=$?
set -e
if [ "$direct_rc" = "$dask_rc" ] && cmp -s ../direct.check ../dask.check && cmp -s ../direct.check.err ../dask.check.err; then
  echo "test:fleet: check --format json: identical bytes and exit $direct_rc ($(wc -c <../direct.check) bytes)"
else
  echo "test:fleet: check differs between the Dask summary (exit $dask_rc) and the logs (exit $direct_rc):" >&2
  diff ../direct.check ../dask.check | head -20 >&2 || true
  diff ../direct.check.err ../dask.check.err | head -20 >&2 || true
  status=1
fi
# What a summary costs per device (docs/fleet.md).
logs=$(cat dev-* | wc -c)
sums=0
for f in dev-*; do sums=$((sums + $($tool summarize "$f" 2>/dev/null | gzip -c | wc -c))); done
echo "test:fleet: 60 device logs, $logs bytes as stored; their summaries $sums bytes gzipped ($((sums / 60)) per device); the fleet's $(gzip -c ../fleet.jsonl | wc -c)"
exit "$status"

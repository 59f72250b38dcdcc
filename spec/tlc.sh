#!/usr/bin/env bash
# Run the TLC model checker on one TLA+ spec and one config.
#
#   bash spec/tlc.sh SPEC.tla [CONFIG.cfg] [extra TLC options...]
#
# The jar is taken from $TLA2TOOLS_JAR, else <repo>/tools/tla2tools.jar
# (tools/ is gitignored: the jar is never committed). See spec/README.md.
#
# Environment:
#   TLA2TOOLS_JAR       path to tla2tools.jar
#   TLC_WORKERS         worker threads (default 2)
#   TLC_CHECK_DEADLOCK  set to 1 to report deadlocks; by default TLC runs with
#                       -deadlock (= do NOT check), because our bounded models
#                       stop at their bounds and that is not a bug
#   JAVA_OPTS           extra JVM options (default -Xmx2g -XX:+UseParallelGC)
#
# TLC's working files (states/, fingerprints) go to a fresh temp directory
# outside the repository, removed on exit; no trace-explorer spec is written
# next to the model. Exit status is TLC's (0 = no error found).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/.." && pwd)"

usage() {
  echo "usage: bash spec/tlc.sh SPEC.tla [CONFIG.cfg] [extra TLC options...]" >&2
  exit 2
}

[ $# -ge 1 ] || usage
spec="$1"; shift
case "$spec" in *.tla) ;; *) echo "tlc.sh: first argument must be a .tla file, got '$spec'" >&2; usage ;; esac
[ -f "$spec" ] || { echo "tlc.sh: no such spec: $spec" >&2; exit 2; }

cfg=""
if [ $# -ge 1 ] && [[ "$1" == *.cfg ]]; then cfg="$1"; shift; fi
if [ -z "$cfg" ]; then cfg="${spec%.tla}.cfg"; fi
[ -f "$cfg" ] || { echo "tlc.sh: no such config: $cfg" >&2; exit 2; }

jar="${TLA2TOOLS_JAR:-$repo/tools/tla2tools.jar}"
if [ ! -f "$jar" ]; then
  cat >&2 <<EOF
tlc.sh: TLC not found at '$jar'.

tla2tools.jar is not in any package registry and is never committed here.
Get it one of these ways, then re-run:
  * download a release from https://github.com/tlaplus/tlaplus/releases
    (asset 'tla2tools.jar') and save it as $repo/tools/tla2tools.jar
  * or take it from a git repository that vendors it, e.g.
      git clone --depth 1 https://github.com/multivvac/raft.tla /tmp/raft.tla
      mkdir -p tools && cp /tmp/raft.tla/tla2tools.jar tools/
  * or point TLA2TOOLS_JAR at an existing copy:
      TLA2TOOLS_JAR=/path/to/tla2tools.jar bash spec/tlc.sh $spec $cfg
Java 11+ is required (java -version).
EOF
  exit 3
fi
command -v java >/dev/null 2>&1 || { echo "tlc.sh: 'java' not on PATH (Java 11+ needed)" >&2; exit 3; }

workers="${TLC_WORKERS:-2}"
deadlock_flag=(-deadlock)
if [ "${TLC_CHECK_DEADLOCK:-0}" = "1" ]; then deadlock_flag=(); fi

metadir="$(mktemp -d "${TMPDIR:-/tmp}/faultline-tlc.XXXXXX")"
trap 'rm -rf "$metadir"' EXIT

# TLC resolves EXTENDS relative to the spec's directory; run from there so
# nothing is written into the caller's working directory.
spec_dir="$(cd "$(dirname "$spec")" && pwd)"
spec_abs="$spec_dir/$(basename "$spec")"
cfg_abs="$(cd "$(dirname "$cfg")" && pwd)/$(basename "$cfg")"

set +e
( cd "$spec_dir" && java ${JAVA_OPTS:--Xmx2g -XX:+UseParallelGC} \
    -cp "$jar" tlc2.TLC \
    -workers "$workers" "${deadlock_flag[@]}" \
    -metadir "$metadir" -noGenerateSpecTE -cleanup \
    -config "$cfg_abs" "$@" "$spec_abs" )
status=$?
set -e
exit $status

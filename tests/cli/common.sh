# Sourced by the whole-program test scripts after they set $program: a scratch
# folder (removed at exit) as the working folder, and the helpers they share.
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"

fail() { echo "FAIL: $*"; exit 1; }
pk() { local n="$1"; shift; mpiexec -n "$n" --oversubscribe "$program" "$@"; }
py() { /usr/bin/python3 - "$@"; }

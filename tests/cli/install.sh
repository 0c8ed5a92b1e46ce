#!/usr/bin/env bash
# cmake --install into a fresh prefix; the installed program runs from another
# folder, pkplot and the job scripts are there, the scripts find the installed
# program by themselves (or through PATHKERNEL), and the module file points at the prefix.
#
#   install.sh BUILD_DIR
set -euo pipefail
build="$(realpath "$1")"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
prefix="$work/prefix"
cmake --install "$build" --prefix "$prefix" > "$work/install.log"
for f in bin/pathkernel bin/pkplot share/pathkernel/jobs/pkjob.sh share/pathkernel/jobs/train.sbatch \
         share/pathkernel/jobs/pathkernel.module share/pathkernel/analysis/pkplot.py share/doc/pathkernel/BUILDING.md; do
  [[ -e "$prefix/$f" ]] || { cat "$work/install.log"; echo "not installed: $f"; exit 1; }
done
[[ -x "$prefix/bin/pathkernel" && -x "$prefix/bin/pkplot" ]] || { echo "installed programs are not executable"; exit 1; }

mkdir "$work/elsewhere"
cd "$work/elsewhere"
"$prefix/bin/pathkernel" --version | grep -q "^  BLAS " || { echo "installed --version has no BLAS line"; exit 1; }
mpiexec -n 2 --oversubscribe "$prefix/bin/pathkernel" train --data builtin:regression --n-train 40 --n-test 8 \
  --hidden 4 --steps 5 --out run.h5 > train.log
[[ -s run.h5 ]] || { cat train.log; echo "the installed program wrote no run file"; exit 1; }

# The installed scripts find bin/pathkernel of their prefix, with nothing on PATH or set.
found="$(env -u PK_PROGRAM -u PATHKERNEL PATH=/usr/bin:/bin bash -c \
  "PK_JOBS_DIR='$prefix/share/pathkernel/jobs'; source \"\$PK_JOBS_DIR/pkjob.sh\"; pk_setup > /dev/null; pk_find_program > /dev/null; echo \"\$PK_PROGRAM\"")"
[[ "$found" == "$(realpath "$prefix/bin/pathkernel")" ]] || { echo "the installed scripts found '$found'"; exit 1; }
# PATHKERNEL names the program for scripts anywhere.
found="$(env -u PK_PROGRAM PATHKERNEL="$prefix/bin/pathkernel" bash -c \
  "PK_JOBS_DIR='$prefix/share/pathkernel/jobs'; source \"\$PK_JOBS_DIR/pkjob.sh\"; pk_setup > /dev/null; pk_find_program > /dev/null; echo \"\$PK_PROGRAM\"")"
[[ "$found" == "$(realpath "$prefix/bin/pathkernel")" ]] || { echo "PATHKERNEL gave '$found'"; exit 1; }

# The module file, read through a link as a site would install it, points at this prefix.
mkdir -p modules/pathkernel
ln -s "$prefix/share/pathkernel/jobs/pathkernel.module" modules/pathkernel/1.0
if command -v tclsh > /dev/null; then
  lines="$(tclsh <<TCL
set ModulesCurrentModulefile [file join [pwd] modules/pathkernel/1.0]
proc module-whatis {args} {}
proc prepend-path {v p} { puts "\$v \$p" }
proc setenv {v p} { puts "\$v \$p" }
source \$ModulesCurrentModulefile
TCL
)"
  grep -qx "PATH $(realpath "$prefix")/bin" <<< "$lines" || { echo "module: $lines"; exit 1; }
  grep -qx "PATHKERNEL $(realpath "$prefix")/bin/pathkernel" <<< "$lines" || { echo "module: $lines"; exit 1; }
fi
echo "install: the installed program, scripts and module work from another folder"

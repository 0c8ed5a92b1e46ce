#!/usr/bin/env bash
# Installs what is missing (Debian 12, as root), builds, and then either runs
# the demo job or the test suite. Idempotent: quick when everything is there.
#
#   bash bootstrap.sh demo    install, build, mpiexec -n 2 pathkernel train (built-in data)
#   bash bootstrap.sh test    install, build, run the whole test suite (ctest)
set -euo pipefail

mode="${1:-}"
if [[ "$mode" != demo && "$mode" != test ]]; then
  echo "usage: bash bootstrap.sh demo|test" >&2
  exit 2
fi
cd "$(dirname "${BASH_SOURCE[0]}")"

packages=(cmake g++ make pkg-config libopenmpi-dev openmpi-bin petsc-dev libslepc-real-dev libhdf5-openmpi-dev
          hdf5-tools zlib1g-dev libboost-program-options-dev libgtest-dev libopenblas-dev python3-h5py python3-numpy python3-matplotlib
          dataset-fashion-mnist)
# The test suite alone needs PyTorch: the independent float64 cross-check (tests/crosscheck).
[[ "$mode" == test ]] && packages+=(python3-torch)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "bootstrap: installing ${missing[*]}"
  apt-get update -q
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}"
fi

# Open MPI refuses root without these; the tests oversubscribe 3 ranks on 2 cores.
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
export OMPI_MCA_btl_vader_single_copy_mechanism=none
export OPENBLAS_NUM_THREADS=1

# The configure step times OpenBLAS's DGEMM with its own choice of kernels and with each
# named core, and records the fastest when it is clearly faster (docs/BUILDING.md).
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release > build.log 2>&1 || { cat build.log; exit 1; }
grep "pathkernel: OpenBLAS" build.log | sed 's/^-- pathkernel: /bootstrap: /' || true
# nproc --all: plain nproc obeys OMP_NUM_THREADS (1 in many job scripts) and would build on one core.
cmake --build build -j "$(nproc --all)" >> build.log 2>&1 || { tail -50 build.log; exit 1; }
echo "bootstrap: built build/pathkernel; $(build/pathkernel --version | grep BLAS | sed 's/^ *//')"

if [[ "$mode" == demo ]]; then
  mpiexec -n 2 build/pathkernel train --data builtin:regression --out run.h5 --force  # --force: idempotent
  echo "bootstrap: wrote run.h5 (inspect with: h5dump -H run.h5)"
else
  ctest --test-dir build --output-on-failure
fi

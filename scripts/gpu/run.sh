#!/usr/bin/env bash
# The one command on the GPU machine (no dotnet there): bash .gpu/run.sh   (writes everything under $OUT)
# 1. ABI check of the TorchSharp shim against the device's libtorch (nm -D --undefined-only vs torch/lib exports)
# 2. PyTorch references (inputs/loss/grads for the kernels) and open_clip / Inf-CL-style timings
# 3. The published app: full TorchSharp mode if the shim's symbols resolve, else --driver-only (libcuda + NVRTC only)
set -uo pipefail
export LC_ALL=C
HERE="$(cd "$(dirname "$0")" && pwd)"
OUT="${OUT:-$HERE/out}"
mkdir -p "$OUT"
exec > >(tee "$OUT/run.log") 2>&1
SIZES="${SIZES:-1024,4096,16384}"
PY="${PYTHON:-python3}"

nvidia-smi -L || true
TORCH_LIB="$($PY -c 'import torch,os;print(os.path.join(os.path.dirname(torch.__file__),"lib"))')"
SITE="$($PY -c 'import torch,os;print(os.path.dirname(os.path.dirname(torch.__file__)))')"
echo "torch lib: $TORCH_LIB"
# NVRTC from pip wheels (nvidia/cuda_nvrtc/lib, nvidia/cu13/lib, ...) or the toolkit.
NVRTC_DIRS="$(find "$SITE/nvidia" /usr/local/cuda*/lib64 -maxdepth 3 -name 'libnvrtc.so*' -printf '%h\n' 2>/dev/null | sort -u | tr '\n' ':')"
NVRTC_LIB="$(find "$SITE/nvidia" /usr/local/cuda*/lib64 -maxdepth 3 -name 'libnvrtc.so.*' ! -name '*builtins*' 2>/dev/null | sort -r | head -1)"
echo "nvrtc: ${NVRTC_LIB:-not found} (dirs: $NVRTC_DIRS)"
export AUXLOSSES_NVRTC="${AUXLOSSES_NVRTC:-$NVRTC_LIB}"
export LD_LIBRARY_PATH="$TORCH_LIB:${NVRTC_DIRS}${LD_LIBRARY_PATH:-}"

# 1. ABI check
MODE=full
# Exports of libtorch plus the C/C++ runtime the shim also links (libstdc++, libgcc_s, libm, libc).
SYSLIBS="$(ldconfig -p | awk '/(libstdc\+\+|libgcc_s|libm|libc)\.so\.[0-9]+ \(libc6,x86-64\)/ {print $NF}')"
nm -D --defined-only "$TORCH_LIB"/*.so* $SYSLIBS 2>/dev/null | awk '{print $NF}' | sed 's/@.*//' | sort -u > "$OUT/torch_exports.txt"
# Only strong (U) references must resolve; weak ones (w: TLS init functions, __gmon_start__, _ITM_*) may stay unbound.
nm -D --undefined-only "$HERE/app/libLibTorchSharp.so" | awk '$1 == "U" {print $NF}' | sed 's/@.*//' | sort -u > "$OUT/shim_needs.txt"
# Symbols the C/C++ runtime provides are resolved by the system, not libtorch.
comm -23 "$OUT/shim_needs.txt" "$OUT/torch_exports.txt" | grep -Ev '^(_ZNSt|_ZSt|_ZNKSt|_ZdlPv|_ZdaPv|_Znwm|_Znam|__cxa|_Unwind|__gxx|__stack_chk|_ZTV(N10__cxxabiv|St)|_ZTI(St|N10__cxxabiv)|_ZTS)' \
  | grep -Ev '^[a-z_]+[a-z0-9_]*$' > "$OUT/unresolved_symbols.txt" || true
UNRESOLVED=$(wc -l < "$OUT/unresolved_symbols.txt")
echo "LibTorchSharp symbols not exported by this libtorch: $UNRESOLVED (list: unresolved_symbols.txt)"
head -20 "$OUT/unresolved_symbols.txt"
if [ "$UNRESOLVED" -gt 0 ]; then MODE=driver-only; fi

# 2. PyTorch references and timings
# REFERENCE_ARGS=--skip-timing keeps only the reference outputs (a quick kernel-only run).
$PY "$HERE/reference.py" "$OUT/python" --sizes "$SIZES" ${REFERENCE_ARGS:-} || echo "reference.py failed (rc=$?)"

# 3. The app
if [ "$MODE" = full ]; then
  "$HERE/app/AuxLosses.GpuCheck" "$OUT/app" --reference "$OUT/python/reference" --sizes "$SIZES"
  RC=$?
  echo "full mode rc=$RC"
  if [ $RC -ne 0 ] && [ $RC -ne 1 ]; then MODE=driver-only; fi
fi
if [ "$MODE" = driver-only ]; then
  "$HERE/app/AuxLosses.GpuCheck" "$OUT/app-driver" --driver-only --reference "$OUT/python/reference" --sizes "$SIZES"
  RC=$?
  echo "driver-only rc=$RC"
fi
ls -R "$OUT" | head -50
exit ${RC:-1}

#!/usr/bin/env bash
# Builds the self-contained, trimmed GPU check app into .gpu/app (run here, where dotnet is; the GPU machine has none).
# It references TorchSharp only (no libtorch natives): on the device it binds to the device's own torch/lib.
set -euo pipefail
cd "$(dirname "$0")/../.."
rm -rf .gpu/app
dotnet publish benchmarks/AuxLosses.GpuCheck -c Release -r linux-x64 --self-contained \
  -p:PublishTrimmed=true -p:TrimMode=partial -p:InvariantGlobalization=true -o .gpu/app
cp scripts/gpu/run.sh scripts/gpu/reference.py .gpu/
chmod +x .gpu/run.sh .gpu/app/AuxLosses.GpuCheck
test -f .gpu/app/libLibTorchSharp.so || { echo "libLibTorchSharp.so missing from the publish output" >&2; exit 1; }
if ls .gpu/app | grep -E '^lib(torch|c10)' >/dev/null; then echo "libtorch natives leaked into the app" >&2; exit 1; fi
du -sh .gpu/app

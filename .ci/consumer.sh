#!/usr/bin/env bash
# NuGet consumer test. Packs AuxLosses and AuxLosses.Models (Release) into the local feed artifacts/packages, then
# restores, builds and runs samples/Consumer, which references them by package version only (its Directory.* files
# stop the repository's props and targets; its nuget.config names the feed). Run after
# `dotnet build AuxLosses.sln -c Release`; exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

feed=artifacts/packages
consumer=samples/Consumer

# Every run packs a version of its own (0.1.0-consumer.<UTC time>.<pid>), so the consumer can never restore a stale
# package of the same version from the global packages folder, and two worktrees on one machine cannot collide.
# The run's versions are removed from the global packages folder again on exit; the feed keeps only the newest.
suffix="consumer.$(date -u +%Y%m%d%H%M%S).$$"
version=$(dotnet msbuild src/AuxLosses/AuxLosses.csproj -getProperty:PackageVersion -p:VersionSuffix="$suffix")
global_packages=$(dotnet nuget locals global-packages --list | sed -E 's/^global-packages: *//')
cleanup() {
  rm -rf "${global_packages%/}/auxlosses/$version" "${global_packages%/}/auxlosses.models/$version"
  rmdir "${global_packages%/}/auxlosses" "${global_packages%/}/auxlosses.models" 2>/dev/null || true
}
trap cleanup EXIT

fail() { echo "consumer.sh: $*" >&2; exit 1; }

# Pack what the Release build produced (built here if it was not), with the run's version.
dotnet build src/AuxLosses.Models/AuxLosses.Models.csproj -c Release --nologo -v:q
rm -f "$feed"/AuxLosses.*nupkg
for project in src/AuxLosses/AuxLosses.csproj src/AuxLosses.Models/AuxLosses.Models.csproj; do
  dotnet pack "$project" -c Release --no-build -o "$feed" -p:VersionSuffix="$suffix" --nologo -v:q
done
for package in AuxLosses AuxLosses.Models; do
  for ext in nupkg snupkg; do
    [ -f "$feed/$package.$version.$ext" ] || fail "$feed/$package.$version.$ext was not created"
  done
done

# Restore and build the consumer from scratch against the feed.
rm -rf "$consumer/bin" "$consumer/obj"
dotnet restore "$consumer" -p:AuxLossesVersion="$version"
dotnet build "$consumer" -c Release --no-restore --nologo -p:AuxLossesVersion="$version"

# What the packages delivered: docs, readme, and the shim fix wired into the consumer's build by buildTransitive.
for file in auxlosses/"$version"/lib/net10.0/AuxLosses.xml auxlosses/"$version"/README.md \
            auxlosses/"$version"/buildTransitive/AuxLosses.targets auxlosses/"$version"/buildTransitive/WeakenElfVersionNeeds.cs \
            auxlosses.models/"$version"/lib/net10.0/AuxLosses.Models.xml auxlosses.models/"$version"/README.md; do
  [ -f "${global_packages%/}/$file" ] || fail "the restored package lacks $file"
done
grep -q "auxlosses/$version/buildTransitive/AuxLosses.targets" "$consumer/obj/Consumer.csproj.nuget.g.targets" ||
  fail "the consumer's build does not import AuxLosses' buildTransitive/AuxLosses.targets"
shim=$(find "$consumer/bin/Release/net10.0" -name libLibTorchSharp.so | head -n 1)
[ -n "$shim" ] || fail "TorchSharp's native shim was not copied to the consumer's output"
cached=$(find "${global_packages%/}/torchsharp" -path '*/linux-x64/native/libLibTorchSharp.so' | head -n 1)
if [ -n "$cached" ] && ! cmp -s "$shim" "$cached"; then
  echo "consumer.sh: the package's buildTransitive targets relaxed the shim's GLIBCXX need in the output copy (NuGet cache untouched)"
else
  echo "consumer.sh: shim left as shipped (the host's libstdc++ has GLIBCXX_3.4.32)"
fi

dotnet "$consumer/bin/Release/net10.0/Consumer.dll"
echo "consumer.sh: AuxLosses $version consumed from $feed: OK"

#!/usr/bin/env bash
# API reference: docs/api must be exactly what tools/ApiReference generates from the current XML doc comments.
#   .ci/apidocs.sh           builds and tests the tool, regenerates into a temporary folder and fails if docs/api differs
#   .ci/apidocs.sh --update  regenerates docs/api in place (then commit it)
# Run after `dotnet build AuxLosses.sln -c Release` (the tool builds what it needs if that has not happened).
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

update=false
case "${1:-}" in
  "") ;;
  --update) update=true ;;
  *) echo "usage: .ci/apidocs.sh [--update]" >&2; exit 2 ;;
esac

# The tests build the tool, which references both libraries (Release, incremental after the solution build).
dotnet build tools/ApiReference.Tests/ApiReference.Tests.csproj -c Release --nologo -v:q
dotnet test tools/ApiReference.Tests/ApiReference.Tests.csproj -c Release --no-build --nologo

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
dotnet tools/ApiReference/bin/Release/net10.0/ApiReference.dll --out "$tmp/api"

if [ "$update" = true ]; then
  rm -rf docs/api
  mkdir -p docs
  cp -R "$tmp/api" docs/api
  echo "apidocs.sh: docs/api regenerated; commit it."
  exit 0
fi

if ! diff -r docs/api "$tmp/api" >"$tmp/diff" 2>&1; then
  echo "apidocs.sh: docs/api is out of date with the XML documentation comments. Differences (committed vs generated):" >&2
  sed "s#$tmp/api#<generated>#g" "$tmp/diff" | head -n 80 >&2
  echo "apidocs.sh: run .ci/apidocs.sh --update and commit docs/api." >&2
  exit 1
fi
echo "apidocs.sh: docs/api is up to date ($(find docs/api -name '*.md' | wc -l) pages)."

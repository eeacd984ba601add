#!/usr/bin/env bash
# Executes every notebook in notebooks/ cell by cell (tools/NotebookRunner: Roslyn script submissions, as Polyglot
# Notebooks' C# kernel runs them) after the runner's own self-test; exits non-zero when any cell of any notebook fails,
# naming the notebook and the cell. Run from anywhere after `dotnet build AuxLosses.sln -c Release`.
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

# The runner is not in AuxLosses.sln; this builds it on top of the solution's Release outputs.
dotnet build tools/NotebookRunner/NotebookRunner.csproj -c Release -nologo -clp:ErrorsOnly
runner=tools/NotebookRunner/bin/Release/net10.0/NotebookRunner

# A notebook with a throwing cell (and ones that do not compile or pin a wrong package) must fail, naming the cell.
"$runner" --self-test

# Plots go to notebooks/output/ (git-ignored).
"$runner" --timeout 300 notebooks

using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Text;

namespace AuxLosses.Benchmarks.Modes;

/// <summary>
/// Peak extra memory of ITC Dense vs Chunked forward+backward at D = 256 and B ∈ {4096, 16384, 65536}, each in a
/// fresh child process (this program re-executed with <c>memory-child</c>) so no configuration inherits another's
/// heap. Dense is skipped where its two B×B float32 matrices (logits and their gradient, a lower bound) would not
/// fit in available RAM. Writes docs/benchmarks/memory.md.
/// </summary>
internal static class MemoryMode
{
    private const long Dim = 256;
    private static readonly long[] DefaultBatches = [4096, 16384, 65536];

    public static int Run()
    {
        var batches = Environment.GetEnvironmentVariable(Grid.BatchVariable) is { Length: > 0 } only
            ? only.Split(',').Select(v => long.Parse(v, CultureInfo.InvariantCulture)).ToArray()
            : DefaultBatches;
        var rows = new List<string>();
        var failures = 0;
        double? denseMatrices = null;
        foreach (var batch in batches)
        {
            foreach (var implementation in new[] { "Dense", "Chunked" })
            {
                var matrix = batch * batch * 4L;
                var available = ProcessMemory.Available();
                if (implementation == "Dense" && 2 * matrix > available)
                {
                    var extrapolated = denseMatrices is { } k ? $"; at the {k:F1} B×B matrices measured at smaller B, ≈ {Gb(k * matrix)}" : string.Empty;
                    rows.Add($"| {batch:N0} | Dense | skipped | — | — | needs ≥ {Gb(2 * matrix)} (logits + gradient, 2·B²·4 bytes){extrapolated}; {Gb(available)} available |");
                    Console.WriteLine($"Dense B={batch}: skipped, needs ≥ {Gb(2 * matrix)}, {Gb(available)} available");
                    continue;
                }

                var (ok, fields, tail) = RunChild(implementation, batch);
                if (!ok)
                {
                    failures++;
                    rows.Add($"| {batch:N0} | {implementation} | failed | — | — | {tail.Replace('|', '/')} |");
                    Console.WriteLine($"{implementation} B={batch}: FAILED\n{tail}");
                    continue;
                }

                var extra = long.Parse(fields["extra"], CultureInfo.InvariantCulture);
                var matrices = extra / (double)matrix;
                if (implementation == "Dense")
                {
                    denseMatrices = matrices;
                }

                rows.Add($"| {batch:N0} | {implementation} | {Mb(extra)} | {fields["seconds"]} s | {matrices:F2} | loss {fields["loss"]}, finite {fields["finite"]} |");
                Console.WriteLine($"{implementation} B={batch}: extra {Mb(extra)} ({matrices:F2} B×B fp32 matrices), {fields["seconds"]} s");
            }
        }

        var markdown = new StringBuilder()
            .AppendLine("# ITC peak extra memory, forward + backward (D = 256, float32, CPU)")
            .AppendLine()
            .AppendLine(MachineInfo.Describe())
            .AppendLine()
            .AppendLine("Each row ran in a fresh process: VmHWM (peak resident set, /proc/self/status) after one forward+backward minus the level just before the loss (inputs allocated, code path warmed up at B = 64, peak reset through /proc/self/clear_refs). The \"B×B matrices\" column is the extra memory divided by B²·4 bytes.")
            .AppendLine()
            .AppendLine("| B | implementation | peak extra | time | B×B matrices | notes |")
            .AppendLine("|---:|---|---:|---:|---:|---|");
        foreach (var row in rows)
        {
            markdown.AppendLine(row);
        }

        var path = Path.Combine(RepositoryPaths.ResultsDirectory, "memory.md");
        File.WriteAllText(path, markdown.ToString());
        Console.WriteLine($"wrote {path}");
        return failures == 0 ? 0 : 1;
    }

    private static (bool Ok, Dictionary<string, string> Fields, string Tail) RunChild(string implementation, long batch)
    {
        var start = new ProcessStartInfo { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        var host = Environment.ProcessPath!;
        start.FileName = host;
        if (Path.GetFileNameWithoutExtension(host) == "dotnet")
        {
            // Started as `dotnet AuxLosses.Benchmarks.dll`: re-execute the same assembly through the host.
            start.ArgumentList.Add(Assembly.GetEntryAssembly()!.Location);
        }

        foreach (var argument in new[] { MemoryProbe.Command, implementation, batch.ToString(CultureInfo.InvariantCulture), Dim.ToString(CultureInfo.InvariantCulture) })
        {
            start.ArgumentList.Add(argument);
        }

        using var child = Process.Start(start)!;
        var errors = child.StandardError.ReadToEndAsync();
        var output = child.StandardOutput.ReadToEnd();
        child.WaitForExit();
        var line = output.Split('\n').FirstOrDefault(l => l.StartsWith(MemoryProbe.ResultPrefix, StringComparison.Ordinal));
        var tail = (output + errors.Result).Trim();
        tail = tail.Length > 300 ? tail[^300..] : tail;
        if (line is null || child.ExitCode != 0)
        {
            return (false, [], $"exit {child.ExitCode}: {tail}");
        }

        var fields = line[MemoryProbe.ResultPrefix.Length..]
            .Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Select(f => f.Split('=', 2))
            .ToDictionary(f => f[0], f => f[1]);
        return (true, fields, tail);
    }

    private static string Gb(double bytes) => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1e9:F1} GB");

    private static string Mb(double bytes) => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1e6:F0} MB");
}

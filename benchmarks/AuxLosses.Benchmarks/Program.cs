using System;
using System.Globalization;
using System.IO;
using System.Linq;
using AuxLosses.Benchmarks.Modes;
using AuxLosses.Benchmarks.Reporting;
using BenchmarkDotNet.Running;

namespace AuxLosses.Benchmarks;

/// <summary>
/// Entry point. <c>all</c>: every suite, then results.md / results.png; <c>memory</c>: ITC peak memory in child
/// processes; <c>smoke</c>: every benchmark body once at tiny sizes; <c>profile</c>: per-op timings of the dense losses; <c>compare</c>: interleaved A/B of the dense losses and sampling against their previous implementation; anything else goes to BenchmarkDotNet's
/// switcher (e.g. <c>--filter *Contrastive*</c>), also followed by the export. <c>--batch</c> / <c>--dim</c> narrow
/// the parameter grid.
/// </summary>
internal static class Program
{
    private static int Main(string[] args)
    {
        args = Grid.Consume(args);
        var mode = args.FirstOrDefault() ?? "all";
        switch (mode)
        {
            case "smoke":
                return SmokeMode.Run();
            case "memory":
                return MemoryMode.Run();
            case "profile":
                return ProfileMode.Run();
            case "compare":
                return CompareMode.Run();
            case MemoryProbe.Command:
                return MemoryProbe.Run(args[1], long.Parse(args[2], CultureInfo.InvariantCulture), long.Parse(args[3], CultureInfo.InvariantCulture));
            case "all":
                args = ["--filter", "*", .. args.Skip(1)];
                break;
            default:
                break;
        }

        TorchRuntime.Initialize();
        var config = new FastConfig(Path.Combine(AppContext.BaseDirectory, "BenchmarkDotNet.Artifacts"));
        var summaries = BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args, config).ToList();
        var rows = ResultsExporter.Rows(summaries);
        if (rows.Count == 0)
        {
            Console.WriteLine("No benchmark produced a result; nothing exported.");
            return summaries.Count == 0 ? 0 : 1;
        }

        var directory = RepositoryPaths.ResultsDirectory;
        Console.WriteLine($"wrote {ResultsExporter.Write(rows, directory)}");
        Console.WriteLine($"wrote {ResultsChart.Write(rows, directory)}");
        return summaries.Any(s => s.HasCriticalValidationErrors) ? 1 : 0;
    }
}

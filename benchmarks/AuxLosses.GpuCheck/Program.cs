using System;
using System.Globalization;
using System.IO;
using System.Linq;
using AuxLosses.GpuCheck;

// Usage: AuxLosses.GpuCheck <out-dir> [--driver-only | --emulate] [--reference <dir>] [--sizes 1024,4096,16384] [--depth 512]
// Exit codes: 0 all checks passed, 1 a check failed, 2 CUDA or the kernels unavailable, 64 bad arguments.
var outDir = args.FirstOrDefault(a => !a.StartsWith("--", StringComparison.Ordinal));
if (outDir is null)
{
    Console.Error.WriteLine("usage: AuxLosses.GpuCheck <out-dir> [--driver-only] [--reference <dir>] [--sizes 1024,4096,16384] [--depth 512]");
    return 64;
}

string? Option(string name)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
}

var driverOnly = args.Contains("--driver-only");
var reference = Option("--reference");
var sizes = (Option("--sizes") ?? "1024,4096,16384").Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray();
var depth = int.Parse(Option("--depth") ?? "512", CultureInfo.InvariantCulture);
var report = new Report();
try
{
    if (args.Contains("--emulate") && reference is not null)
    {
        DriverMode.Emulate(report, reference);
    }
    else if (!driverOnly && TorchMode.TryInitialize(report))
    {
        TorchMode.Run(report, sizes, depth);
        // The reference file checks the kernels on exactly reference.py's inputs, independent of TorchSharp.
        if (reference is not null)
        {
            DriverMode.Run(report, reference, Array.Empty<int>(), depth);
        }
    }
    else
    {
        if (!driverOnly)
        {
            report.Note("falling back to --driver-only");
        }

        DriverMode.Run(report, reference, sizes, depth);
    }
}
catch (Exception e)
{
    report.Status = "error";
    report.Note($"harness error: {e}");
}

report.Write(outDir);
Console.WriteLine($"status: {report.Status}; checks: {report.Checks.Count(c => c.Pass)}/{report.Checks.Count} passed; timings: {report.Timings.Count}; results in {Path.GetFullPath(outDir)}");
return report.Status is "CUDA not available" or "kernels unavailable" ? 2 : report.Status == "error" || !report.AllPassed ? 1 : 0;

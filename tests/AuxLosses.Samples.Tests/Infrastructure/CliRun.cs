using System.IO;
using AuxLosses.Reproduce;

namespace AuxLosses.Samples.Tests.Infrastructure;

/// <summary>Runs the CLI's entry point in-process and captures its output.</summary>
internal sealed record CliRun(int ExitCode, string Out, string Error)
{
    public static CliRun Of(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = ReproduceApp.Run(args, stdout, stderr);
        return new CliRun(code, stdout.ToString(), stderr.ToString());
    }
}

using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Text;

namespace AuxLosses.NotebookRunner;

/// <summary>Runs one notebook in a fresh process of this program (clean state, its own memory peak, a time limit).</summary>
internal static class ChildProcess
{
    /// <summary>Returns the child's exit code (124 on timeout). With <paramref name="captured"/>, output is also collected there.</summary>
    public static int Run(string notebookPath, string? writeOutputsTo, TimeSpan timeout, StringBuilder? captured)
    {
        var start = new ProcessStartInfo(Environment.ProcessPath ?? "dotnet")
        {
            UseShellExecute = false,
            RedirectStandardOutput = captured is not null,
            RedirectStandardError = captured is not null,
            WorkingDirectory = Path.GetDirectoryName(notebookPath)!,
        };
        var arguments = new List<string>();
        if (Path.GetFileNameWithoutExtension(start.FileName).Equals("dotnet", StringComparison.OrdinalIgnoreCase))
        {
            // Started as `dotnet NotebookRunner.dll`: the child needs the assembly path too.
            arguments.Add(typeof(ChildProcess).Assembly.Location);
        }

        arguments.AddRange(["--child", notebookPath]);
        if (writeOutputsTo is not null)
        {
            arguments.AddRange(["--write-outputs-to", writeOutputsTo]);
        }

        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = new Process { StartInfo = start };
        if (captured is not null)
        {
            process.OutputDataReceived += (_, e) => Append(captured, e.Data);
            process.ErrorDataReceived += (_, e) => Append(captured, e.Data);
        }

        process.Start();
        if (captured is not null)
        {
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
        }

        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            var message = $"FAILED {Path.GetFileName(notebookPath)}: did not finish within {timeout.TotalSeconds:F0} s (killed)";
            Console.WriteLine(message);
            Append(captured, message);
            return 124;
        }

        process.WaitForExit();
        return process.ExitCode;
    }

    private static void Append(StringBuilder? captured, string? line)
    {
        if (captured is null || line is null)
        {
            return;
        }

        lock (captured)
        {
            captured.AppendLine(line);
            Console.WriteLine("  | " + line);
        }
    }
}

using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading;

namespace AuxLosses.QuickStart;

/// <summary>
/// Runs each (objective, seed) in a child process of this executable, <c>parallel</c> at a time, each with
/// cores / parallel TorchSharp threads: small models train faster as independent single-threaded processes than as one
/// process with several threads, and a crash or leak in one run cannot touch the others.
/// </summary>
internal static class ChildProcessPool
{
    public static IReadOnlyList<RunResult> Run(IReadOnlyList<(DemoObjective Objective, int Seed)> runs, QuickStartOptions options, int parallel, TextWriter output)
    {
        var folder = Path.Combine(options.Output, "runs");
        Directory.CreateDirectory(folder);
        var threads = Math.Max(1, Environment.ProcessorCount / parallel);
        var results = new RunResult[runs.Count];
        var finished = 0;
        var gate = new Lock();
        var failures = new List<string>();
        var next = -1;
        // Workers take runs in order (seed 1's objectives first), unlike Parallel.For's range partitions.
        void Worker()
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < runs.Count)
            {
                try
                {
                    RunOne(i);
                }
                catch (Exception exception) when (exception is IOException or InvalidDataException or System.Text.Json.JsonException
                    or System.ComponentModel.Win32Exception or DemoRunException)
                {
                    lock (gate)
                    {
                        failures.Add($"{DemoObjectives.Label(runs[i].Objective)} seed {runs[i].Seed} failed: {exception.Message}");
                    }
                }
            }
        }

        void RunOne(int i)
        {
            var (objective, seed) = runs[i];
            var name = $"{FileName(objective)}-seed{seed}";
            var resultPath = Path.Combine(folder, name + ".json");
            var logPath = Path.Combine(folder, name + ".log");
            File.Delete(resultPath);
            var exitCode = RunChild(ChildArguments(objective, seed, resultPath, threads, options), logPath);
            lock (gate)
            {
                if (exitCode != 0 || !File.Exists(resultPath))
                {
                    failures.Add($"{DemoObjectives.Label(objective)} seed {seed} failed (exit code {exitCode}); its log is {logPath}:{Environment.NewLine}{Tail(logPath, 15)}");
                    return;
                }

                results[i] = RunResultJson.Read(resultPath);
                output.WriteLine(DemoSummary.RunLine(++finished, runs.Count, results[i]));
            }
        }

        var workers = Enumerable.Range(0, parallel).Select(_ => new Thread(Worker) { IsBackground = true }).ToArray();
        foreach (var worker in workers)
        {
            worker.Start();
        }

        foreach (var worker in workers)
        {
            worker.Join();
        }

        if (failures.Count > 0)
        {
            throw new DemoRunException(string.Join(Environment.NewLine, failures));
        }

        return results;
    }

    /// <summary>The file-name form of an objective's label: "CE+ITC" → "ce-itc".</summary>
    public static string FileName(DemoObjective objective) => DemoObjectives.Label(objective).ToLowerInvariant().Replace('+', '-');

    private static List<string> ChildArguments(DemoObjective objective, int seed, string resultPath, int threads, QuickStartOptions options)
    {
        var arguments = new List<string>
        {
            "--child-objective", DemoObjectives.Label(objective),
            "--child-seed", seed.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--child-result", Path.GetFullPath(resultPath),
            "--threads", threads.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        if (options.Quick)
        {
            arguments.Add("--quick");
        }

        if (options.Epochs is { } epochs)
        {
            arguments.AddRange(["--epochs", epochs.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        }

        return arguments;
    }

    private static int RunChild(List<string> arguments, string logPath)
    {
        // An apphost runs itself; under `dotnet QuickStart.dll` the host needs the assembly path first.
        var host = Environment.ProcessPath ?? throw new DemoRunException("The path of this process is unknown, so no child run can start; use --in-process.");
        var start = new ProcessStartInfo(host) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (string.Equals(Path.GetFileNameWithoutExtension(host), "dotnet", StringComparison.OrdinalIgnoreCase))
        {
            start.ArgumentList.Add(typeof(ChildProcessPool).Assembly.Location);
        }

        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var log = new StreamWriter(logPath) { AutoFlush = true };
        var logGate = new Lock();
        using var process = new Process { StartInfo = start };
        void Append(object sender, DataReceivedEventArgs line)
        {
            if (line.Data is not null)
            {
                lock (logGate)
                {
                    log.WriteLine(line.Data);
                }
            }
        }

        process.OutputDataReceived += Append;
        process.ErrorDataReceived += Append;
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        process.WaitForExit();
        return process.ExitCode;
    }

    private static string Tail(string path, int lines) =>
        File.Exists(path) ? string.Join(Environment.NewLine, File.ReadLines(path).TakeLast(lines).Select(line => "  " + line)) : "  (no log)";
}

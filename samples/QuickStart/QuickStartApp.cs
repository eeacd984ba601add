using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using AuxLosses.Models;
using TorchSharp;

namespace AuxLosses.QuickStart;

/// <summary>
/// The demo: every (objective, seed) run — in child processes, several at a time, or in this process — then the
/// summary table, results.json and the two charts.
/// </summary>
internal static class QuickStartApp
{
    public static int Run(IReadOnlyList<string> args, TextWriter output, TextWriter error)
    {
        QuickStartOptions options;
        try
        {
            options = QuickStartCli.Parse(args);
        }
        catch (ArgumentException exception)
        {
            error.WriteLine(exception.Message);
            return 2;
        }

        if (options.Help)
        {
            output.WriteLine(QuickStartCli.Usage);
            return 0;
        }

        if (options.Threads is { } threads)
        {
            torch.set_num_threads(threads);
        }

        if (options.ChildObjective is { } objective)
        {
            var result = DemoRunner.Run(objective, options.ChildSeed!.Value, options.Settings, output);
            RunResultJson.Write(options.ChildResult!, result);
            return 0;
        }

        return RunAll(options, output, error);
    }

    private static int RunAll(QuickStartOptions options, TextWriter output, TextWriter error)
    {
        var settings = options.Settings;
        var runs = (from seed in Enumerable.Range(1, options.SeedCount) from objective in options.Objectives select (objective, seed)).ToArray();
        var parallel = Math.Clamp(options.Parallel ?? Environment.ProcessorCount, 1, runs.Length);
        Directory.CreateDirectory(options.Output);
        var ceilings = SyntheticPosts.ComputeCeilings(new SyntheticPostsOptions { TopicCount = settings.TopicCount });
        output.WriteLine($"AuxLosses demo: {options.Objectives.Count} objectives × {options.SeedCount} seed{(options.SeedCount == 1 ? "" : "s")}, {settings.Epochs} epochs, " +
            $"{settings.TrainCount}/{settings.ValidationCount}/{settings.TestCount} synthetic posts ({settings.ImageSize}×{settings.ImageSize} images, {settings.TopicCount} topics).");
        output.WriteLine($"Bayes ceilings (macro-F1): text only {ceilings.TextOnly.MacroF1:F3}, image only {ceilings.ImageOnly.MacroF1:F3}, both {ceilings.Joint.MacroF1:F3}.");
        output.WriteLine(options.InProcess ? "Running in this process, one run at a time." : $"Running {parallel} at a time in child processes (logs in {Path.Combine(options.Output, "runs")}).");

        var clock = Stopwatch.StartNew();
        IReadOnlyList<RunResult> results;
        try
        {
            results = options.InProcess
                ? RunInProcess(runs, settings, output)
                : ChildProcessPool.Run(runs, options, parallel, output);
        }
        catch (DemoRunException exception)
        {
            error.WriteLine(exception.Message);
            return 1;
        }

        var summary = DemoSummary.Create(results, options.Objectives.Select(DemoObjectives.Label).ToArray(), ceilings, settings, clock.Elapsed);
        output.WriteLine();
        output.WriteLine(summary.Table());
        DemoReport.Write(summary, options.Output);
        output.WriteLine($"Wrote {string.Join(", ", DemoReport.FileNames.Select(name => Path.Combine(options.Output, name)))} in {clock.Elapsed.TotalMinutes:F1} min.");
        return 0;
    }

    private static RunResult[] RunInProcess((DemoObjective Objective, int Seed)[] runs, DemoSettings settings, TextWriter output)
    {
        var results = new RunResult[runs.Length];
        for (var i = 0; i < runs.Length; i++)
        {
            results[i] = DemoRunner.Run(runs[i].Objective, runs[i].Seed, settings);
            output.WriteLine(DemoSummary.RunLine(i + 1, runs.Length, results[i]));
        }

        return results;
    }
}

using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace AuxLosses.QuickStart;

/// <summary>Parses the demo's flags (<c>--flag value</c> or <c>--flag=value</c>); a bad flag or value throws <see cref="ArgumentException"/> naming it.</summary>
internal static class QuickStartCli
{
    public const string Usage = """
        Usage: dotnet run --project samples/QuickStart -c Release [-- options]

        Trains small BERT- and ResNet-style encoders from scratch on synthetic image+text posts whose label depends on
        how image and text relate, with CE, CE+ITC, CE+ITM, CE+ITC+ITM and SPP-SCL over several seeds, and reports test
        macro-F1 (mean ± std), validation curves and IID/TTD/ITD.

        Options:
          --quick              CI smoke run: 240/60/60 posts, 2 epochs, 1 seed
          --seeds N            seeds 1..N (default 3; 1 with --quick)
          --epochs N           epochs per run (default 12; 2 with --quick)
          --objectives LIST    comma-separated subset of: CE, CE+ITC, CE+ITM, CE+ITC+ITM, SPP-SCL (default all)
          --parallel N         runs at a time, each in a child process (default: the number of cores)
          --in-process         run one after another in this process instead of child processes
          --output DIR         where summary.md, results.json and the charts go (default artifacts/quickstart)
          --help               show this text
        """;

    public static QuickStartOptions Parse(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var options = new QuickStartOptions();
        for (var i = 0; i < args.Count; i++)
        {
            var (flag, inline) = Split(args[i]);
            string Value()
            {
                if (inline is not null)
                {
                    return inline;
                }

                if (i + 1 >= args.Count)
                {
                    throw new ArgumentException($"{flag} needs a value.", nameof(args));
                }

                return args[++i];
            }

            options = flag switch
            {
                "--quick" => options with { Quick = true },
                "--seeds" => options with { Seeds = Integer(flag, Value(), 1, 100) },
                "--epochs" => options with { Epochs = Integer(flag, Value(), 1, 1000) },
                "--objectives" => options with { Objectives = Objectives(Value()) },
                "--parallel" => options with { Parallel = Integer(flag, Value(), 1, 256) },
                "--in-process" => options with { InProcess = true },
                "--output" => options with { Output = NonEmpty(flag, Value()) },
                "--help" or "-h" => options with { Help = true },
                "--child-objective" => options with { ChildObjective = Objectives(Value()).Single() },
                "--child-seed" => options with { ChildSeed = Integer(flag, Value(), int.MinValue, int.MaxValue) },
                "--child-result" => options with { ChildResult = NonEmpty(flag, Value()) },
                "--threads" => options with { Threads = Integer(flag, Value(), 1, 256) },
                _ => throw new ArgumentException($"Unknown option '{args[i]}'. Run with --help for the options.", nameof(args)),
            };
        }

        if ((options.ChildObjective is null) != (options.ChildResult is null) || (options.ChildObjective is null) != (options.ChildSeed is null))
        {
            throw new ArgumentException("--child-objective, --child-seed and --child-result go together.", nameof(args));
        }

        return options;
    }

    private static (string Flag, string? Value) Split(string arg)
    {
        var equals = arg.IndexOf('=', StringComparison.Ordinal);
        return arg.StartsWith("--", StringComparison.Ordinal) && equals > 0 ? (arg[..equals], arg[(equals + 1)..]) : (arg, null);
    }

    private static int Integer(string flag, string value, int min, int max)
    {
        if (!int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed) || parsed < min || parsed > max)
        {
            throw new ArgumentException($"{flag} must be an integer in [{min}, {max}], got '{value}'.", nameof(value));
        }

        return parsed;
    }

    private static string NonEmpty(string flag, string value) =>
        string.IsNullOrWhiteSpace(value) ? throw new ArgumentException($"{flag} must not be empty.", nameof(value)) : value;

    private static DemoObjective[] Objectives(string value)
    {
        var labels = value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (labels.Length == 0)
        {
            throw new ArgumentException($"--objectives needs at least one of: {DemoObjectives.AllLabels}.", nameof(value));
        }

        var objectives = new List<DemoObjective>();
        foreach (var label in labels)
        {
            if (!DemoObjectives.TryParse(label, out var objective))
            {
                throw new ArgumentException($"Unknown objective '{label}'; expected one of: {DemoObjectives.AllLabels}.", nameof(value));
            }

            if (objectives.Contains(objective))
            {
                throw new ArgumentException($"The objective '{label}' is listed twice.", nameof(value));
            }

            objectives.Add(objective);
        }

        return [.. objectives];
    }
}

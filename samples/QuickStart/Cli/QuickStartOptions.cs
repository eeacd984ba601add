using System.Collections.Generic;

namespace AuxLosses.QuickStart;

/// <summary>The demo's command line, parsed by <see cref="QuickStartCli"/>.</summary>
internal sealed record QuickStartOptions
{
    /// <summary>CI's smoke run: <see cref="DemoSettings.Quick"/> and one seed unless <see cref="Seeds"/> is given.</summary>
    public bool Quick { get; init; }

    /// <summary>Number of seeds (1, 2, ...); default 3, or 1 with <see cref="Quick"/>.</summary>
    public int? Seeds { get; init; }

    /// <summary>Epochs per run; default that of the settings (12, or 2 with <see cref="Quick"/>).</summary>
    public int? Epochs { get; init; }

    /// <summary>The objectives to compare; default all five.</summary>
    public IReadOnlyList<DemoObjective> Objectives { get; init; } = DemoObjectives.All;

    /// <summary>Runs at a time, each in its own process with cores/parallel threads; default the core count.</summary>
    public int? Parallel { get; init; }

    /// <summary>Run everything in this process, one run after another (no child processes).</summary>
    public bool InProcess { get; init; }

    /// <summary>Where the table, results and charts go. Default artifacts/quickstart.</summary>
    public string Output { get; init; } = "artifacts/quickstart";

    /// <summary>Print the usage and exit.</summary>
    public bool Help { get; init; }

    /// <summary>Child mode (internal): run this one objective …</summary>
    public DemoObjective? ChildObjective { get; init; }

    /// <summary>… with this seed …</summary>
    public int? ChildSeed { get; init; }

    /// <summary>… and write its <see cref="RunResult"/> as JSON here.</summary>
    public string? ChildResult { get; init; }

    /// <summary>Threads for a child's TorchSharp (internal; set by the parent).</summary>
    public int? Threads { get; init; }

    /// <summary>The settings of every run: <see cref="DemoSettings.Full"/> or <see cref="DemoSettings.Quick"/>, with <see cref="Epochs"/> applied.</summary>
    public DemoSettings Settings
    {
        get
        {
            var settings = Quick ? DemoSettings.Quick : DemoSettings.Full;
            return Epochs is { } epochs ? settings with { Epochs = epochs } : settings;
        }
    }

    /// <summary>The seeds of the runs: 1, 2, ..., <see cref="Seeds"/>.</summary>
    public int SeedCount => Seeds ?? (Quick ? 1 : 3);
}

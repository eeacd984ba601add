using System.IO;
using AuxLosses.Reproduce.Cli;

namespace AuxLosses.Reproduce.Tasks;

/// <summary>
/// The result file names run_mm_late.py builds:
/// <c>"{txt}-{img}-{fusion}_task{task}_seed{seed}_{loss_str}_{nsamples_str}metrics_val.csv"</c> (and metrics_test.csv,
/// net.pth, preds.csv), in <c>results_dir</c> or <c>results_dir + "testing/"</c>.
/// </summary>
internal sealed class RunNames
{
    public RunNames(ReproduceOptions options)
    {
        LossString = BuildLossString(options.UseItc, options.BetaItc, options.UseItm, options.BetaItm);
        NSamplesString = options.NSamples == -1 ? "" : $"N{options.NSamples}_";
        // Modes other than late have no --fusion; their name stands in its place.
        var fusion = options.Fusion ?? CliParser.ModeName(options.Mode);
        Prefix = $"{options.TextModel}-{options.ImageModel}-{fusion}_task{options.Task}_seed{options.Seed}_{LossString}_{NSamplesString}";
        Directory = options.Testing ? Path.Combine(options.ResultsDir, "testing") : options.ResultsDir;
    }

    /// <summary>config.py's loss_str: "itc{β}" if ITC, then "itm{β}" if ITM, β as Python's str(float).</summary>
    public string LossString { get; }

    /// <summary>"" for --nsamples -1, else "N{n}_".</summary>
    public string NSamplesString { get; }

    /// <summary>Everything before the file kind, e.g. <c>bert-vit-concat_task3_seed30_itc0.1itm0.1_</c>.</summary>
    public string Prefix { get; }

    /// <summary>The results folder (…/testing under --testing).</summary>
    public string Directory { get; }

    public string ValidationMetricsFile => Path.Combine(Directory, Prefix + "metrics_val.csv");

    public string TestMetricsFile => Path.Combine(Directory, Prefix + "metrics_test.csv");

    public string PredictionsFile => Path.Combine(Directory, Prefix + "preds.csv");

    /// <summary>The repo writes a pickled net.pth; TorchSharp writes safetensors under the same stem.</summary>
    public string ModelFile => Path.Combine(Directory, Prefix + "net.safetensors");

    public static string BuildLossString(bool useItc, double betaItc, bool useItm, double betaItm) =>
        (useItc ? "itc" + PythonFloat.Format(betaItc) : "") + (useItm ? "itm" + PythonFloat.Format(betaItm) : "");
}

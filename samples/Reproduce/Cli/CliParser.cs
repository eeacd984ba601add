using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace AuxLosses.Reproduce.Cli;

/// <summary>
/// A small, strict parser for the CLI's flags (<c>--flag value</c> or <c>--flag=value</c>): an unknown flag names the
/// closest known one, a bad value names the flag, the value and what is allowed, and a flag given twice is an error.
/// </summary>
internal static class CliParser
{
    /// <summary>The repo's snake_case flags, so a pasted run_mm_late.py command line gets a precise hint.</summary>
    private static readonly Dictionary<string, string> RepoNames = new(StringComparer.Ordinal)
    {
        ["--txt_model_name"] = "--txt-model",
        ["--img_model_name"] = "--img-model",
        ["--fusion_name"] = "--fusion",
        ["--use_clip_loss"] = "--use-itc",
        ["--use_tim_loss"] = "--use-itm",
        ["--beta_itc"] = "--beta-itc",
        ["--beta_itm"] = "--beta-itm",
        ["--weight_decay"] = "--weight-decay",
        ["--save_model"] = "--save-model",
        ["--save_preds"] = "--save-preds",
    };

    /// <summary>Every flag, in usage order.</summary>
    public static IReadOnlyList<FlagSpec> Flags { get; } =
    [
        Choice("--txt-model", ["bert", "roberta", "bertweet", "bernice"], "text encoder (required)", (o, v) => o with { TextModel = v }),
        Choice("--img-model", ["resnet50", "resnet152", "vit"], "image encoder (required)", (o, v) => o with { ImageModel = v }),
        Choice("--fusion", ["concat", "attention", "gmu", "aspect-att"], "fusion head (required with --mode late)", (o, v) => o with { Fusion = v }),
        Switch("--use-itc", "add the image-text contrastive loss (repo: --use_clip_loss)", o => o with { UseItc = true }),
        Switch("--use-itm", "add the image-text matching loss (repo: --use_tim_loss)", o => o with { UseItm = true }),
        Value("--beta-itc", "B", "ITC weight in (1-bitc-bitm)*CE + bitc*ITC + bitm*ITM, in [0, 1] (default 0.1)", (o, v) => o with { BetaItc = Real(v, 0, 1, "a number in [0, 1]") }),
        Value("--beta-itm", "B", "ITM weight, in [0, 1] (default 0.1)", (o, v) => o with { BetaItm = Real(v, 0, 1, "a number in [0, 1]") }),
        Choice("--task", ["0", "1", "2", "3", "4", "5", "6"], "0 text_is_represented, 1 image_adds, 2 tir, 3 mvsa, 4 mhp, 5 mic, 6 msd (required)", (o, v) => o with { Task = int.Parse(v, CultureInfo.InvariantCulture) }),
        Value("--epochs", "N", "training epochs, >= 1 (default 2)", (o, v) => o with { Epochs = Integer(v, 1, int.MaxValue, "an integer >= 1") }),
        Value("--lr", "LR", "AdamW learning rate, > 0 (default 1e-05)", (o, v) => o with { LearningRate = Real(v, double.Epsilon, double.MaxValue, "a number > 0") }),
        Value("--weight-decay", "WD", "AdamW weight decay, >= 0 (default 0.00025)", (o, v) => o with { WeightDecay = Real(v, 0, double.MaxValue, "a number >= 0") }),
        Value("--dropout", "P", "dropout before the classifier, in [0, 1) (default 0.05)", (o, v) => o with { Dropout = Real(v, 0, 0.999999, "a number in [0, 1)") }),
        Value("--seed", "N", "random seed (default 30)", (o, v) => o with { Seed = Integer(v, int.MinValue, int.MaxValue, "an integer") }),
        Value("--nsamples", "N", "train on N sampled training rows; -1 uses all (default -1)", (o, v) => o with { NSamples = NSamplesValue(v) }),
        Switch("--testing", "run on a 200-row sample; results go to <results-dir>/testing/", o => o with { Testing = true }),
        Switch("--save-model", "save the trained weights (<run>net.safetensors)", o => o with { SaveModel = true }),
        Switch("--save-preds", "save test predictions (<run>preds.csv: data_id,label,prediction)", o => o with { SavePreds = true }),
        Value("--data-dir", "DIR", "root of the data (the repo's layout for data-key; default ./data)", (o, v) => o with { DataDir = NonEmpty(v) }),
        Choice("--format", ["data-key", "clmlf", "hfm-raw", "tir"], "data layout (default data-key)", (o, v) => o with { Format = FormatValue(v) }),
        Value("--image-dir", "DIR", "image folder for clmlf/hfm-raw/tir (default <data-dir>/dataset_image; tir: <data-dir>/text-image)", (o, v) => o with { ImageDir = NonEmpty(v) }),
        Choice("--missing-images", ["fail", "skip", "text-only"], "a post whose image file is missing: fail (default), skip it, or keep it text-only", (o, v) => o with { MissingImages = v }),
        Value("--weights-dir", "DIR", "folder with one Hugging Face-layout folder per model id (e.g. DIR/bert-base-uncased)", (o, v) => o with { WeightsDir = NonEmpty(v) }),
        Value("--hf-cache", "DIR", "Hugging Face hub cache, read offline (default $HF_HUB_CACHE, $HF_HOME/hub, ~/.cache/huggingface/hub)", (o, v) => o with { HfCache = NonEmpty(v) }),
        Choice("--mode", ["late", "spp-scl", "common-space"], "late fusion (default), SPP-SCL, or common-space fusion", (o, v) => o with { Mode = ModeValue(v) }),
        Switch("--one-step", "SPP-SCL's one-step ablation (with --mode spp-scl)", o => o with { OneStep = true }),
        Value("--results-dir", "DIR", "where metrics/preds/model go (default results/mm_late)", (o, v) => o with { ResultsDir = NonEmpty(v) }),
        Choice("--device", ["cpu", "cuda"], "device (default cpu)", (o, v) => o with { Device = v }),
        Value("--checkpoint-dir", "DIR", "write resumable checkpoints at every epoch end", (o, v) => o with { CheckpointDir = NonEmpty(v) }),
        Switch("--resume", "continue from the latest checkpoint in --checkpoint-dir", o => o with { Resume = true }),
        Value("--metrics-log", "FILE", "JSON-lines training log (steps, epochs, end)", (o, v) => o with { MetricsLog = NonEmpty(v) }),
        Switch("--verbose", "print stack traces of errors", o => o with { Verbose = true }),
        Switch("--help", "show this text", o => o with { Help = true }),
    ];

    /// <summary>Parses and checks a command line.</summary>
    /// <exception cref="UsageException">An unknown flag, a bad or missing value, a repeated flag, or options that do not fit together.</exception>
    public static ReproduceOptions Parse(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var options = new ReproduceOptions();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (arg is "-h")
            {
                arg = "--help";
            }

            if (!arg.StartsWith("--", StringComparison.Ordinal))
            {
                throw new UsageException($"unexpected argument '{arg}': every option is a --flag (see --help)");
            }

            string name = arg;
            string? inline = null;
            var eq = arg.IndexOf('=', StringComparison.Ordinal);
            if (eq > 0)
            {
                name = arg[..eq];
                inline = arg[(eq + 1)..];
            }

            var flag = Flags.FirstOrDefault(f => f.Name == name) ?? throw new UsageException(UnknownFlag(name));
            if (!seen.Add(flag.Name))
            {
                throw new UsageException($"{flag.Name} is given more than once");
            }

            string? value = null;
            if (flag.IsSwitch)
            {
                if (inline is not null)
                {
                    throw new UsageException($"{flag.Name} is a switch and takes no value (got '{inline}')");
                }
            }
            else if (inline is not null)
            {
                value = inline;
            }
            else if (i + 1 < args.Count && !args[i + 1].StartsWith("--", StringComparison.Ordinal))
            {
                value = args[++i];
            }
            else
            {
                throw new UsageException($"{flag.Name} needs a value: {Expected(flag)}");
            }

            if (value is not null && flag.Choices is { } choices && !choices.Contains(value, StringComparer.Ordinal))
            {
                throw new UsageException($"invalid value '{value}' for {flag.Name}: allowed values are {string.Join(", ", choices)}");
            }

            try
            {
                options = flag.Apply(options, value);
            }
            catch (FormatException e)
            {
                throw new UsageException($"invalid value '{value}' for {flag.Name}: expected {e.Message}", e);
            }
        }

        return options.Help ? options : Check(options);
    }

    /// <summary>The closest known flag to <paramref name="name"/>, or null when none is close.</summary>
    public static string? Suggest(string name)
    {
        if (RepoNames.TryGetValue(name, out var renamed))
        {
            return renamed;
        }

        var normalized = name.Replace('_', '-').ToLowerInvariant();
        var best = Flags.Select(f => (f.Name, Distance: Levenshtein(normalized, f.Name))).OrderBy(x => x.Distance).First();
        return best.Distance <= Math.Max(3, best.Name.Length / 3) ? best.Name : null;
    }

    private static string UnknownFlag(string name)
    {
        var suggestion = Suggest(name);
        return suggestion is null
            ? $"unknown option '{name}' (see --help for the list)"
            : $"unknown option '{name}'; did you mean {suggestion}?";
    }

    private static ReproduceOptions Check(ReproduceOptions o)
    {
        var missing = new List<string>();
        if (o.TextModel.Length == 0)
        {
            missing.Add("--txt-model");
        }

        if (o.ImageModel.Length == 0)
        {
            missing.Add("--img-model");
        }

        if (o.Task < 0)
        {
            missing.Add("--task");
        }

        if (o.Mode == TrainingMode.Late && o.Fusion is null)
        {
            missing.Add("--fusion");
        }

        if (missing.Count > 0)
        {
            throw new UsageException($"missing required option{(missing.Count > 1 ? "s" : "")}: {string.Join(", ", missing)}");
        }

        if (o.Mode != TrainingMode.Late && (o.UseItc || o.UseItm))
        {
            throw new UsageException($"--use-itc / --use-itm belong to --mode late; --mode {ModeName(o.Mode)} has its own auxiliary loss");
        }

        if (o.Mode != TrainingMode.Late && o.Fusion is not null)
        {
            throw new UsageException($"--fusion applies to --mode late only; --mode {ModeName(o.Mode)} has its own fusion");
        }

        if (o.OneStep && o.Mode != TrainingMode.SppScl)
        {
            throw new UsageException("--one-step needs --mode spp-scl");
        }

        if (o.UseItc && o.UseItm && o.BetaItc + o.BetaItm > 1 + 1e-12)
        {
            throw new UsageException($"--beta-itc + --beta-itm must not exceed 1 (the CE weight 1 - bitc - bitm would be negative): {o.BetaItc} + {o.BetaItm}");
        }

        if (o.Resume && o.CheckpointDir is null)
        {
            throw new UsageException("--resume needs --checkpoint-dir");
        }

        var fits = o.Format switch
        {
            DataFormat.Tir => o.Task is >= 0 and <= 2,
            DataFormat.HfmRaw => o.Task == 6,
            DataFormat.Clmlf => o.Task is 3 or 6,
            _ => true,
        };
        if (!fits)
        {
            var tasks = o.Format switch { DataFormat.Tir => "0, 1 or 2", DataFormat.HfmRaw => "6 (sarcasm)", _ => "3 (sentiment: MVSA) or 6 (sarcasm: HFM)" };
            throw new UsageException($"--format {FormatName(o.Format)} holds data for --task {tasks}, not --task {o.Task}");
        }

        return o;
    }

    /// <summary>The usage text: every flag with its values and default.</summary>
    public static string Usage()
    {
        var lines = new List<string>
        {
            "Reproduce: train and evaluate the image-text classifiers of Sanchez Villegas et al. (EACL Findings 2024)",
            "with the flags of the paper repository's run_mm_late.py (kebab case) on AuxLosses.Models.",
            "",
            "Usage: Reproduce --txt-model M --img-model M --task T [--fusion F] [options]",
            "",
            "Options:",
        };
        var width = Flags.Max(f => Left(f).Length) + 2;
        lines.AddRange(Flags.Select(f => "  " + Left(f).PadRight(width) + f.Help));
        lines.Add("");
        lines.Add("Results: <results-dir>[/testing]/{txt}-{img}-{fusion}_task{T}_seed{S}_{loss}_{N}metrics_val.csv and ...metrics_test.csv,");
        lines.Add("  loss = itc{bitc} and/or itm{bitm} (empty without aux losses), N = N{nsamples}_ (empty for -1); --mode spp-scl and");
        lines.Add("  common-space use the mode in place of {fusion}.");
        lines.Add("Weights (offline): <weights-dir>/<id>/ or the HF cache: bert-base-uncased, roberta-base, jhu-clsp/bernice,");
        lines.Add("  google/vit-base-patch16-224-in21k, timm/resnet50.tv2_in1k, timm/resnet152.tv_in1k (model.safetensors).");
        lines.Add("Exit codes: 0 done, 1 missing data/weights or a failed run, 2 usage error.");
        return string.Join(Environment.NewLine, lines) + Environment.NewLine;
    }

    internal static string ModeName(TrainingMode mode) => mode switch
    {
        TrainingMode.SppScl => "spp-scl",
        TrainingMode.CommonSpace => "common-space",
        _ => "late",
    };

    internal static string FormatName(DataFormat format) => format switch
    {
        DataFormat.Clmlf => "clmlf",
        DataFormat.HfmRaw => "hfm-raw",
        DataFormat.Tir => "tir",
        _ => "data-key",
    };

    private static string Left(FlagSpec f) => f.Name + (f.IsSwitch ? "" : " " + (f.Choices is { } c ? string.Join('|', c) : f.ValueName));

    private static string Expected(FlagSpec f) => f.Choices is { } c ? "one of " + string.Join(", ", c) : f.ValueName!;

    private static FlagSpec Choice(string name, string[] choices, string help, Func<ReproduceOptions, string, ReproduceOptions> apply) =>
        new(name, "VALUE", choices, help, (o, v) => apply(o, v!));

    private static FlagSpec Value(string name, string valueName, string help, Func<ReproduceOptions, string, ReproduceOptions> apply) =>
        new(name, valueName, null, help, (o, v) => apply(o, v!));

    private static FlagSpec Switch(string name, string help, Func<ReproduceOptions, ReproduceOptions> apply) =>
        new(name, null, null, help, (o, _) => apply(o));

    private static double Real(string value, double min, double max, string expected)
    {
        if (!double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var x) || !double.IsFinite(x) || x < min || x > max)
        {
            throw new FormatException(expected);
        }

        return x;
    }

    private static int Integer(string value, int min, int max, string expected)
    {
        if (!int.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var x) || x < min || x > max)
        {
            throw new FormatException(expected);
        }

        return x;
    }

    private static int NSamplesValue(string value)
    {
        var n = Integer(value, -1, int.MaxValue, "-1 or an integer >= 1");
        return n == 0 ? throw new FormatException("-1 or an integer >= 1") : n;
    }

    private static string NonEmpty(string value) => value.Trim().Length == 0 ? throw new FormatException("a non-empty path") : value;

    private static DataFormat FormatValue(string value) => value switch
    {
        "clmlf" => DataFormat.Clmlf,
        "hfm-raw" => DataFormat.HfmRaw,
        "tir" => DataFormat.Tir,
        _ => DataFormat.DataKey,
    };

    private static TrainingMode ModeValue(string value) => value switch
    {
        "spp-scl" => TrainingMode.SppScl,
        "common-space" => TrainingMode.CommonSpace,
        _ => TrainingMode.Late,
    };

    private static int Levenshtein(string a, string b)
    {
        var previous = Enumerable.Range(0, b.Length + 1).ToArray();
        var current = new int[b.Length + 1];
        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }
}

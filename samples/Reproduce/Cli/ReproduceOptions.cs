namespace AuxLosses.Reproduce.Cli;

/// <summary>
/// Everything a run needs, as parsed from the command line. Defaults are run_mm_late.py's (argparse defaults and
/// config.py's constants); the options after <see cref="SavePreds"/> are this CLI's own.
/// </summary>
internal sealed record ReproduceOptions
{
    /// <summary>--txt-model: bert, roberta, bertweet or bernice (required).</summary>
    public string TextModel { get; init; } = "";

    /// <summary>--img-model: resnet50, resnet152 or vit (required).</summary>
    public string ImageModel { get; init; } = "";

    /// <summary>--fusion: concat, attention, gmu or aspect-att (required in late mode; other modes have their own fusion).</summary>
    public string? Fusion { get; init; }

    /// <summary>--use-itc (the repo's --use_clip_loss).</summary>
    public bool UseItc { get; init; }

    /// <summary>--use-itm (the repo's --use_tim_loss).</summary>
    public bool UseItm { get; init; }

    /// <summary>--beta-itc, weight of ITC in (1 − βitc − βitm)·CE + βitc·ITC + βitm·ITM. Default 0.1.</summary>
    public double BetaItc { get; init; } = 0.1;

    /// <summary>--beta-itm. Default 0.1.</summary>
    public double BetaItm { get; init; } = 0.1;

    /// <summary>--task 0..6 (required).</summary>
    public int Task { get; init; } = -1;

    /// <summary>--epochs. Default 2.</summary>
    public int Epochs { get; init; } = 2;

    /// <summary>--lr. Default 1e-5.</summary>
    public double LearningRate { get; init; } = 1e-5;

    /// <summary>--weight-decay. Default 0.00025.</summary>
    public double WeightDecay { get; init; } = 0.00025;

    /// <summary>--dropout before the classifier. Default 0.05.</summary>
    public double Dropout { get; init; } = 0.05;

    /// <summary>--seed. Default 30.</summary>
    public int Seed { get; init; } = 30;

    /// <summary>--nsamples: train on this many sampled training rows; -1 (default) uses all.</summary>
    public int NSamples { get; init; } = -1;

    /// <summary>--testing: a 200-row sample of the data; results go to {results-dir}/testing/.</summary>
    public bool Testing { get; init; }

    /// <summary>--save-model: write the trained weights next to the metrics.</summary>
    public bool SaveModel { get; init; }

    /// <summary>--save-preds: write data_id,label,prediction for the test split.</summary>
    public bool SavePreds { get; init; }

    /// <summary>--data-dir: root of the repo's data layout (or of the --format's files). Default ./data.</summary>
    public string DataDir { get; init; } = "data";

    /// <summary>--format. Default data-key.</summary>
    public DataFormat Format { get; init; } = DataFormat.DataKey;

    /// <summary>--image-dir: image root for clmlf / hfm-raw / tir (default: per format, under --data-dir).</summary>
    public string? ImageDir { get; init; }

    /// <summary>--missing-images: fail (default), skip or text-only.</summary>
    public string MissingImages { get; init; } = "fail";

    /// <summary>--weights-dir: folder holding one Hugging Face-layout folder per model id. Default: none (HF cache only).</summary>
    public string? WeightsDir { get; init; }

    /// <summary>--hf-cache: Hugging Face hub cache folder. Default: $HF_HUB_CACHE, $HF_HOME/hub or ~/.cache/huggingface/hub.</summary>
    public string? HfCache { get; init; }

    /// <summary>--mode: late (default), spp-scl or common-space.</summary>
    public TrainingMode Mode { get; init; } = TrainingMode.Late;

    /// <summary>--one-step: SPP-SCL's one-step ablation (spp-scl mode only).</summary>
    public bool OneStep { get; init; }

    /// <summary>--results-dir. Default results/mm_late/ (config.py's results_dir_mm_late under a relative RES_PATH).</summary>
    public string ResultsDir { get; init; } = "results/mm_late";

    /// <summary>--device: cpu (default) or cuda.</summary>
    public string Device { get; init; } = "cpu";

    /// <summary>--checkpoint-dir: write resumable checkpoints there.</summary>
    public string? CheckpointDir { get; init; }

    /// <summary>--resume: continue from the latest checkpoint in --checkpoint-dir.</summary>
    public bool Resume { get; init; }

    /// <summary>--metrics-log: JSON-lines training log.</summary>
    public string? MetricsLog { get; init; }

    /// <summary>--verbose: stack traces on errors.</summary>
    public bool Verbose { get; init; }

    /// <summary>--help.</summary>
    public bool Help { get; init; }
}

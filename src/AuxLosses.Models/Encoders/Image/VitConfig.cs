using System;
using System.IO;
using System.Text.Json;

namespace AuxLosses.Models;

/// <summary>
/// Hyper-parameters of a <see cref="VisionTransformer"/>, read from a Hugging Face ViT <c>config.json</c>.
/// Property defaults are transformers' <c>ViTConfig</c> defaults, i.e. ViT-B/16 at 224 px
/// (<see cref="VitBasePatch16_224"/>, the config of <c>google/vit-base-patch16-224-in21k</c>).
/// </summary>
public sealed class VitConfig
{
    /// <summary>Width C of every token (<c>hidden_size</c>). Default 768.</summary>
    public long HiddenSize { get; init; } = 768;

    /// <summary>Number of transformer blocks (<c>num_hidden_layers</c>). Default 12.</summary>
    public int NumHiddenLayers { get; init; } = 12;

    /// <summary>Attention heads per block (<c>num_attention_heads</c>); must divide <see cref="HiddenSize"/>. Default 12.</summary>
    public long NumAttentionHeads { get; init; } = 12;

    /// <summary>Width of the MLP's hidden layer (<c>intermediate_size</c>). Default 3072.</summary>
    public long IntermediateSize { get; init; } = 3072;

    /// <summary>
    /// MLP activation (<c>hidden_act</c>): <c>gelu</c> (exact, erf), <c>gelu_new</c>/<c>gelu_pytorch_tanh</c>/<c>gelu_fast</c>
    /// (tanh approximation), <c>quick_gelu</c>, <c>relu</c>, <c>silu</c>/<c>swish</c>. Default <c>gelu</c>.
    /// </summary>
    public string HiddenAct { get; init; } = "gelu";

    /// <summary>LayerNorm epsilon (<c>layer_norm_eps</c>). Default 1e-12.</summary>
    public double LayerNormEps { get; init; } = 1e-12;

    /// <summary>Square input side in pixels (<c>image_size</c>). Default 224.</summary>
    public long ImageSize { get; init; } = 224;

    /// <summary>Square patch side in pixels (<c>patch_size</c>); must divide <see cref="ImageSize"/>. Default 16.</summary>
    public long PatchSize { get; init; } = 16;

    /// <summary>Input channels (<c>num_channels</c>). Default 3.</summary>
    public long NumChannels { get; init; } = 3;

    /// <summary>Whether query/key/value projections have a bias (<c>qkv_bias</c>). Default true.</summary>
    public bool QkvBias { get; init; } = true;

    /// <summary>Dropout on embeddings and block outputs in training mode (<c>hidden_dropout_prob</c>). Default 0.</summary>
    public double HiddenDropoutProb { get; init; }

    /// <summary>Dropout on attention probabilities in training mode (<c>attention_probs_dropout_prob</c>). Default 0.</summary>
    public double AttentionProbsDropoutProb { get; init; }

    /// <summary>Standard deviation of the truncated-normal initialization of a fresh model (<c>initializer_range</c>). Default 0.02.</summary>
    public double InitializerRange { get; init; } = 0.02;

    /// <summary>ViT-B/16, 224 px: 12 layers, width 768, 12 heads, MLP 3072, exact GELU, eps 1e-12.</summary>
    public static VitConfig VitBasePatch16_224 => new();

    /// <summary>Patches per image side: <see cref="ImageSize"/> / <see cref="PatchSize"/>.</summary>
    public long GridSize => ImageSize / PatchSize;

    /// <summary>Patch tokens per image (without the CLS token): <see cref="GridSize"/>².</summary>
    public long NumPatches => GridSize * GridSize;

    /// <summary>Parses a Hugging Face ViT <c>config.json</c>; absent keys take transformers' defaults.</summary>
    /// <exception cref="ArgumentException">Malformed JSON, a wrongly typed key, or invalid values (see <see cref="Validate"/>).</exception>
    public static VitConfig FromJson(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            throw new ArgumentException($"The ViT config is not valid JSON: {e.Message}", nameof(json), e);
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new ArgumentException($"The ViT config must be a JSON object, got {root.ValueKind}.", nameof(json));
            }

            var d = new VitConfig();
            VitConfig config;
            try
            {
                config = new VitConfig
                {
                    HiddenSize = Long(root, "hidden_size", d.HiddenSize),
                    NumHiddenLayers = checked((int)Long(root, "num_hidden_layers", d.NumHiddenLayers)),
                    NumAttentionHeads = Long(root, "num_attention_heads", d.NumAttentionHeads),
                    IntermediateSize = Long(root, "intermediate_size", d.IntermediateSize),
                    HiddenAct = String(root, "hidden_act", d.HiddenAct),
                    LayerNormEps = Double(root, "layer_norm_eps", d.LayerNormEps),
                    ImageSize = Long(root, "image_size", d.ImageSize),
                    PatchSize = Long(root, "patch_size", d.PatchSize),
                    NumChannels = Long(root, "num_channels", d.NumChannels),
                    QkvBias = Bool(root, "qkv_bias", d.QkvBias),
                    HiddenDropoutProb = Double(root, "hidden_dropout_prob", d.HiddenDropoutProb),
                    AttentionProbsDropoutProb = Double(root, "attention_probs_dropout_prob", d.AttentionProbsDropoutProb),
                    InitializerRange = Double(root, "initializer_range", d.InitializerRange),
                };
            }
            catch (Exception e) when (e is InvalidDataException or OverflowException)
            {
                throw new ArgumentException(e.Message, nameof(json), e);
            }

            config.Validate();
            return config;
        }
    }

    /// <summary>Reads and parses a <c>config.json</c> file.</summary>
    public static VitConfig FromFile(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        try
        {
            return FromJson(File.ReadAllText(path));
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"{e.Message} (file '{path}')", nameof(path), e);
        }
    }

    /// <summary>Checks that the values describe a buildable model.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A value is out of range; the message names the property.</exception>
    public void Validate()
    {
        Positive(HiddenSize, nameof(HiddenSize));
        Positive(NumHiddenLayers, nameof(NumHiddenLayers));
        Positive(NumAttentionHeads, nameof(NumAttentionHeads));
        Positive(IntermediateSize, nameof(IntermediateSize));
        Positive(ImageSize, nameof(ImageSize));
        Positive(PatchSize, nameof(PatchSize));
        Positive(NumChannels, nameof(NumChannels));
        if (HiddenSize % NumAttentionHeads != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(NumAttentionHeads), NumAttentionHeads, $"NumAttentionHeads must divide HiddenSize ({HiddenSize}).");
        }

        if (ImageSize % PatchSize != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(PatchSize), PatchSize, $"PatchSize must divide ImageSize ({ImageSize}).");
        }

        if (!(LayerNormEps > 0) || double.IsInfinity(LayerNormEps))
        {
            throw new ArgumentOutOfRangeException(nameof(LayerNormEps), LayerNormEps, "LayerNormEps must be positive and finite.");
        }

        Probability(HiddenDropoutProb, nameof(HiddenDropoutProb));
        Probability(AttentionProbsDropoutProb, nameof(AttentionProbsDropoutProb));
        if (!(InitializerRange > 0) || double.IsInfinity(InitializerRange))
        {
            throw new ArgumentOutOfRangeException(nameof(InitializerRange), InitializerRange, "InitializerRange must be positive and finite.");
        }

        if (!Internal.VitActivation.IsSupported(HiddenAct))
        {
            throw new ArgumentOutOfRangeException(nameof(HiddenAct), HiddenAct, $"Unsupported activation; expected one of {Internal.VitActivation.SupportedNames}.");
        }
    }

    private static void Positive(long value, string name)
    {
        if (value <= 0)
        {
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be positive.");
        }
    }

    private static void Probability(double value, string name)
    {
        if (!(value >= 0 && value < 1))
        {
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be in [0, 1).");
        }
    }

    private static long Long(JsonElement root, string key, long fallback) =>
        root.TryGetProperty(key, out var v) && v.ValueKind != JsonValueKind.Null
            ? v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out var x) ? x : throw WrongType(key, "an integer", v)
            : fallback;

    private static double Double(JsonElement root, string key, double fallback) =>
        root.TryGetProperty(key, out var v) && v.ValueKind != JsonValueKind.Null
            ? v.ValueKind == JsonValueKind.Number ? v.GetDouble() : throw WrongType(key, "a number", v)
            : fallback;

    private static bool Bool(JsonElement root, string key, bool fallback) =>
        root.TryGetProperty(key, out var v) && v.ValueKind != JsonValueKind.Null
            ? v.ValueKind switch
            {
                JsonValueKind.True => true,
                JsonValueKind.False => false,
                _ => throw WrongType(key, "a boolean", v),
            }
            : fallback;

    private static string String(JsonElement root, string key, string fallback) =>
        root.TryGetProperty(key, out var v) && v.ValueKind != JsonValueKind.Null
            ? v.ValueKind == JsonValueKind.String ? v.GetString()! : throw WrongType(key, "a string", v)
            : fallback;

    // FromJson turns this into an ArgumentException naming its json parameter.
    private static InvalidDataException WrongType(string key, string expected, JsonElement actual) =>
        new($"ViT config key '{key}' must be {expected}, got {actual.ValueKind} {actual.GetRawText()}.");
}

using System;
using System.Collections.Generic;
using System.IO;
using System.Text.Json;

namespace AuxLosses.Models;

/// <summary>
/// The architecture of a <see cref="BertModel"/>, read from a Hugging Face <c>config.json</c> (field names as there).
/// One class covers BERT and the RoBERTa family (<c>roberta</c>, <c>xlm-roberta</c>, <c>camembert</c>, …): for the
/// latter, position ids start at <c>pad_token_id + 1</c> and skip padding (HF's
/// <c>create_position_ids_from_input_ids</c>), so at most <c>max_position_embeddings − pad_token_id − 1</c> tokens fit.
/// Defaults are bert-base-uncased's.
/// </summary>
public sealed class BertConfig
{
    private static readonly HashSet<string> RobertaFamily = new(StringComparer.Ordinal)
    {
        "roberta", "xlm-roberta", "camembert", "xlm-roberta-xl", "data2vec-text", "roberta-prelayernorm",
    };

    private static readonly HashSet<string> Activations = new(StringComparer.Ordinal)
    {
        "gelu", "gelu_new", "gelu_pytorch_tanh", "relu",
    };

    /// <summary>Vocabulary size (rows of the word embedding). Default 30522.</summary>
    public long VocabSize { get; init; } = 30522;

    /// <summary>Width H of every token state. Default 768.</summary>
    public long HiddenSize { get; init; } = 768;

    /// <summary>Number of transformer layers. Default 12.</summary>
    public int NumHiddenLayers { get; init; } = 12;

    /// <summary>Attention heads per layer; must divide <see cref="HiddenSize"/>. Default 12.</summary>
    public long NumAttentionHeads { get; init; } = 12;

    /// <summary>Width of the feed-forward block. Default 3072.</summary>
    public long IntermediateSize { get; init; } = 3072;

    /// <summary>
    /// Feed-forward activation: <c>gelu</c> (exact, erf), <c>gelu_new</c> / <c>gelu_pytorch_tanh</c> (tanh
    /// approximation) or <c>relu</c>. Default <c>gelu</c>.
    /// </summary>
    public string HiddenAct { get; init; } = "gelu";

    /// <summary>Dropout on embeddings and sub-layer outputs during training. Default 0.1.</summary>
    public double HiddenDropoutProb { get; init; } = 0.1;

    /// <summary>Dropout on attention probabilities during training. Default 0.1.</summary>
    public double AttentionProbsDropoutProb { get; init; } = 0.1;

    /// <summary>Rows of the position embedding. Default 512 (RoBERTa checkpoints: 514).</summary>
    public long MaxPositionEmbeddings { get; init; } = 512;

    /// <summary>Rows of the token-type (segment) embedding. Default 2 (RoBERTa: 1).</summary>
    public long TypeVocabSize { get; init; } = 2;

    /// <summary>LayerNorm epsilon. Default 1e-12 (RoBERTa: 1e-5).</summary>
    public double LayerNormEps { get; init; } = 1e-12;

    /// <summary>Id of the padding token (its word-embedding row gets no gradient). Default 0 (RoBERTa: 1).</summary>
    public long PadTokenId { get; init; }

    /// <summary>Standard deviation of the normal initialisation of fresh weights. Default 0.02.</summary>
    public double InitializerRange { get; init; } = 0.02;

    /// <summary>Hugging Face <c>model_type</c>: <c>bert</c> or a RoBERTa-family name. Default <c>bert</c>.</summary>
    public string ModelType { get; init; } = "bert";

    /// <summary>True for RoBERTa-family models (padding-aware position ids).</summary>
    public bool IsRobertaFamily => RobertaFamily.Contains(ModelType);

    /// <summary>The longest input this configuration can embed: the position rows left after RoBERTa's offset.</summary>
    public long MaxSequenceLength => IsRobertaFamily ? MaxPositionEmbeddings - PadTokenId - 1 : MaxPositionEmbeddings;

    /// <summary>bert-base-uncased: 12 layers, H = 768, 12 heads, vocabulary 30522.</summary>
    public static BertConfig BertBaseUncased => new();

    /// <summary>roberta-base: 12 layers, H = 768, 12 heads, vocabulary 50265, 514 positions, padding id 1.</summary>
    public static BertConfig RobertaBase => new()
    {
        VocabSize = 50265,
        MaxPositionEmbeddings = 514,
        TypeVocabSize = 1,
        LayerNormEps = 1e-5,
        PadTokenId = 1,
        ModelType = "roberta",
    };

    /// <summary>Reads and validates a <c>config.json</c> file.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="FormatException">The file is not a valid configuration (the message names the file and field).</exception>
    public static BertConfig FromFile(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"BERT config file '{path}' does not exist.", path);
        }

        try
        {
            return FromJson(File.ReadAllText(path));
        }
        catch (FormatException e)
        {
            throw new FormatException($"{path}: {e.Message}", e);
        }
    }

    /// <summary>
    /// Parses and validates the text of a Hugging Face <c>config.json</c>. Missing fields take the defaults above;
    /// unknown fields are ignored. A non-absolute <c>position_embedding_type</c> is rejected.
    /// </summary>
    /// <exception cref="FormatException">Malformed JSON, a field of the wrong type, or an invalid value.</exception>
    public static BertConfig FromJson(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            throw new FormatException($"BERT config is not valid JSON: {e.Message}", e);
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new FormatException($"BERT config must be a JSON object, got {root.ValueKind}.");
            }

            var defaults = new BertConfig();
            var modelType = String(root, "model_type", defaults.ModelType);
            var roberta = RobertaFamily.Contains(modelType);
            var positionType = String(root, "position_embedding_type", "absolute");
            if (positionType != "absolute")
            {
                throw new FormatException($"BERT config field 'position_embedding_type' is '{positionType}'; only 'absolute' is supported.");
            }

            var config = new BertConfig
            {
                ModelType = modelType,
                VocabSize = Long(root, "vocab_size", defaults.VocabSize),
                HiddenSize = Long(root, "hidden_size", defaults.HiddenSize),
                NumHiddenLayers = (int)Long(root, "num_hidden_layers", defaults.NumHiddenLayers),
                NumAttentionHeads = Long(root, "num_attention_heads", defaults.NumAttentionHeads),
                IntermediateSize = Long(root, "intermediate_size", defaults.IntermediateSize),
                HiddenAct = String(root, "hidden_act", defaults.HiddenAct),
                HiddenDropoutProb = Double(root, "hidden_dropout_prob", defaults.HiddenDropoutProb),
                AttentionProbsDropoutProb = Double(root, "attention_probs_dropout_prob", defaults.AttentionProbsDropoutProb),
                MaxPositionEmbeddings = Long(root, "max_position_embeddings", defaults.MaxPositionEmbeddings),
                TypeVocabSize = Long(root, "type_vocab_size", roberta ? 1 : defaults.TypeVocabSize),
                LayerNormEps = Double(root, "layer_norm_eps", defaults.LayerNormEps),
                PadTokenId = Long(root, "pad_token_id", roberta ? 1 : defaults.PadTokenId),
                InitializerRange = Double(root, "initializer_range", defaults.InitializerRange),
            };
            try
            {
                config.Validate();
            }
            catch (ArgumentException e)
            {
                throw new FormatException($"BERT config is invalid: {e.Message}", e);
            }

            return config;
        }
    }

    /// <summary>Checks every field; called by the <see cref="BertModel"/> constructor.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A field is out of range (the message names the field and value).</exception>
    public void Validate()
    {
        Positive(VocabSize, "vocab_size");
        Positive(HiddenSize, "hidden_size");
        Positive(NumHiddenLayers, "num_hidden_layers");
        Positive(NumAttentionHeads, "num_attention_heads");
        Positive(IntermediateSize, "intermediate_size");
        Positive(TypeVocabSize, "type_vocab_size");
        if (HiddenSize % NumAttentionHeads != 0)
        {
            throw new ArgumentOutOfRangeException(
                nameof(HiddenSize), HiddenSize, $"hidden_size ({HiddenSize}) must be a multiple of num_attention_heads ({NumAttentionHeads}).");
        }

        if (!Activations.Contains(HiddenAct))
        {
            throw new ArgumentOutOfRangeException(
                nameof(HiddenAct), HiddenAct, $"hidden_act '{HiddenAct}' is not supported; expected one of {string.Join(", ", Activations)}.");
        }

        Probability(HiddenDropoutProb, "hidden_dropout_prob");
        Probability(AttentionProbsDropoutProb, "attention_probs_dropout_prob");
        if (!(LayerNormEps > 0) || double.IsInfinity(LayerNormEps))
        {
            throw new ArgumentOutOfRangeException(nameof(LayerNormEps), LayerNormEps, "layer_norm_eps must be a positive finite number.");
        }

        if (!(InitializerRange >= 0) || double.IsInfinity(InitializerRange))
        {
            throw new ArgumentOutOfRangeException(nameof(InitializerRange), InitializerRange, "initializer_range must be a non-negative finite number.");
        }

        if (PadTokenId < 0 || PadTokenId >= VocabSize)
        {
            throw new ArgumentOutOfRangeException(nameof(PadTokenId), PadTokenId, $"pad_token_id must be in [0, vocab_size = {VocabSize}).");
        }

        if (MaxSequenceLength < 1)
        {
            throw new ArgumentOutOfRangeException(
                nameof(MaxPositionEmbeddings), MaxPositionEmbeddings,
                IsRobertaFamily
                    ? $"max_position_embeddings must exceed pad_token_id + 1 = {PadTokenId + 1} for model_type '{ModelType}'."
                    : "max_position_embeddings must be positive.");
        }
    }

    private static void Positive(long value, string field)
    {
        if (value < 1)
        {
            throw new ArgumentOutOfRangeException(field, value, $"{field} must be positive, got {value}.");
        }
    }

    private static void Probability(double value, string field)
    {
        if (!(value >= 0 && value < 1))
        {
            throw new ArgumentOutOfRangeException(field, value, $"{field} must be in [0, 1), got {value}.");
        }
    }

    private static long Long(JsonElement root, string name, long fallback)
    {
        if (!root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return fallback;
        }

        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt64(out var result))
        {
            throw new FormatException($"BERT config field '{name}' must be an integer, got {value.GetRawText()}.");
        }

        return result;
    }

    private static double Double(JsonElement root, string name, double fallback)
    {
        if (!root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return fallback;
        }

        if (value.ValueKind != JsonValueKind.Number)
        {
            throw new FormatException($"BERT config field '{name}' must be a number, got {value.GetRawText()}.");
        }

        return value.GetDouble();
    }

    private static string String(JsonElement root, string name, string fallback)
    {
        if (!root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return fallback;
        }

        if (value.ValueKind != JsonValueKind.String)
        {
            throw new FormatException($"BERT config field '{name}' must be a string, got {value.GetRawText()}.");
        }

        return value.GetString()!;
    }
}

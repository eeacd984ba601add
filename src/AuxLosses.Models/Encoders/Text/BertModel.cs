using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using AuxLosses.Internal;
using AuxLosses.Models.Internal;
using TorchSharp;
using static TorchSharp.torch;

namespace AuxLosses.Models;

/// <summary>
/// BERT (Devlin et al., NAACL 2019) and the RoBERTa family (Liu et al., 2019) as a TorchSharp module that loads
/// Hugging Face checkpoints: the same computation as <c>transformers</c>' <c>BertModel</c> / <c>RobertaModel</c>
/// (absolute positions, no cache) and the same state-dict keys (<c>embeddings.word_embeddings.weight</c>,
/// <c>encoder.layer.{i}.attention.self.query.weight</c>, …, <c>pooler.dense.bias</c>), so a checkpoint's
/// <c>bert.</c>/<c>roberta.</c> prefix and old <c>gamma</c>/<c>beta</c> names are all <see cref="WeightLoader"/> has to map.
/// <code>
/// e   = LayerNorm(W_word[ids] + W_type[types] + W_pos[positions])
/// h_l = LayerNorm(a + FFN(a)),  a = LayerNorm(h_{l-1} + Attn(h_{l-1})),  Attn = softmax(QKᵀ/√d + M)·V
/// M   = (1 − mask)·min(dtype)   (padding keys get no weight)
/// pooled = tanh(W_p·h_L[:, 0] + b_p)
/// </code>
/// Dropout follows <see cref="nn.Module.train(bool)"/>; call <c>eval()</c> for deterministic features.
/// </summary>
/// <example>
/// <code>
/// using var bert = BertModel.FromPretrained("/models/bert-base-uncased"); // config.json + model.safetensors
/// bert.eval();
/// var output = bert.Encode(batch.InputIds, batch.AttentionMask, batch.TokenTypeIds);
/// </code>
/// </example>
public sealed class BertModel : nn.Module<Tensor, Tensor, Tensor?, TextEncoderOutput>, ITextEncoder
{
    private readonly BertEmbeddings embeddings;
    private readonly BertEncoder encoder;
    private readonly BertPooler? pooler;

    /// <summary>Creates a model with freshly initialised weights (HF's scheme: normal(0, initializer_range) weights, zero biases, unit LayerNorm).</summary>
    /// <param name="config">The architecture; validated here.</param>
    /// <param name="addPoolingLayer">Whether to build the pooler (<c>pooler.dense</c>); without it <see cref="TextEncoderOutput.Pooled"/> is null.</param>
    /// <param name="generator">Random source for the initialisation (deterministic when given).</param>
    /// <param name="device">Where to create the parameters (default CPU). The meta device builds the structure without memory.</param>
    /// <exception cref="ArgumentOutOfRangeException">The configuration is invalid.</exception>
    public BertModel(BertConfig config, bool addPoolingLayer = true, Generator? generator = null, Device? device = null)
        : base(nameof(BertModel))
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        Config = config;
        embeddings = new BertEmbeddings(config, device);
        encoder = new BertEncoder(config, device);
        pooler = addPoolingLayer ? new BertPooler(config, device) : null;
        RegisterComponents();
        if (device is null || device.type != DeviceType.META)
        {
            Initialize(generator);
        }

        // A model built inside a caller's dispose scope must keep its weights when that scope ends.
        foreach (var parameter in parameters())
        {
            parameter.DetachFromDisposeScope();
        }
    }

    /// <summary>The architecture this model was built from.</summary>
    public BertConfig Config { get; }

    /// <inheritdoc />
    public long HiddenSize => Config.HiddenSize;

    /// <summary>Number of transformer layers; <see cref="TextEncoderOutput.HiddenStates"/> has one more entry.</summary>
    public int NumLayers => Config.NumHiddenLayers;

    /// <summary>The load report of <see cref="FromPretrained"/> (null for a freshly initialised model).</summary>
    public WeightLoadReport? LoadReport { get; private set; }

    /// <summary>
    /// Loads <c>config.json</c> and <c>model.safetensors</c> from a local folder or a hub repository id (resolved
    /// and cached by <see cref="PretrainedResolver"/>). Checkpoint keys may carry <c>bert.</c>/<c>roberta.</c> and
    /// legacy LayerNorm names; pretraining heads (<c>cls.*</c>, <c>lm_head.*</c>), the <c>position_ids</c> buffer
    /// and a missing pooler (roberta-base ships none: it stays freshly initialised) are tolerated and listed in
    /// <see cref="LoadReport"/>; anything else missing, unexpected or mis-shaped throws.
    /// </summary>
    /// <param name="repoIdOrPath">A folder holding the files, or a hub id such as <c>bert-base-uncased</c>.</param>
    /// <param name="loadOptions">Overrides the key mapping and tolerance described above.</param>
    /// <param name="resolver">The resolver to use (default: a new one following the HF environment variables).</param>
    /// <param name="revision">Hub branch, tag or commit (default <c>main</c>).</param>
    /// <exception cref="NotSupportedException">Only <c>pytorch_model.bin</c> (a pickle) is available.</exception>
    /// <exception cref="PretrainedFileNotFoundException">The files cannot be found.</exception>
    /// <exception cref="WeightLoadException">The checkpoint does not fit the configuration (see its report).</exception>
    public static BertModel FromPretrained(string repoIdOrPath, WeightLoadOptions? loadOptions = null, PretrainedResolver? resolver = null, string? revision = null) =>
        FromPretrainedAsync(repoIdOrPath, loadOptions, resolver, revision).GetAwaiter().GetResult();

    /// <summary>The asynchronous form of <see cref="FromPretrained"/> (downloads do not block a thread).</summary>
    public static async Task<BertModel> FromPretrainedAsync(
        string repoIdOrPath, WeightLoadOptions? loadOptions = null, PretrainedResolver? resolver = null, string? revision = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(repoIdOrPath);
        var ownsResolver = resolver is null;
        resolver ??= new PretrainedResolver();
        try
        {
            var configPath = await resolver.ResolveAsync(repoIdOrPath, "config.json", revision, cancellationToken: cancellationToken).ConfigureAwait(false);
            var config = BertConfig.FromFile(configPath);
            string weightsPath;
            try
            {
                weightsPath = await resolver.ResolveAsync(repoIdOrPath, "model.safetensors", revision, cancellationToken: cancellationToken).ConfigureAwait(false);
            }
            catch (PretrainedFileNotFoundException e) when (HasPickle(resolver, repoIdOrPath, revision))
            {
                throw new NotSupportedException(
                    $"'{repoIdOrPath}' has only pytorch_model.bin, a Python pickle that .NET cannot read safely. Convert it once in Python: "
                    + "`from transformers import AutoModel; AutoModel.from_pretrained(path).save_pretrained(path, safe_serialization=True)` "
                    + "(or safetensors.torch.save_file(torch.load('pytorch_model.bin'), 'model.safetensors')), then load the folder again.", e);
            }

            var model = new BertModel(config);
            try
            {
                model.LoadReport = WeightLoader.LoadFile(model, weightsPath, loadOptions ?? DefaultLoadOptions);
                return model;
            }
            catch
            {
                model.Dispose();
                throw;
            }
        }
        finally
        {
            if (ownsResolver)
            {
                resolver.Dispose();
            }
        }
    }

    /// <summary>Encodes a batch; the same as <see cref="forward"/>.</summary>
    public TextEncoderOutput Encode(Tensor inputIds, Tensor attentionMask, Tensor? tokenTypeIds = null) =>
        forward(inputIds, attentionMask, tokenTypeIds);

    /// <summary>Runs the embeddings, every layer and the pooler.</summary>
    /// <param name="inputIds">Token ids [N, L], int64, each in [0, vocab_size); L ≤ <see cref="BertConfig.MaxSequenceLength"/>.</param>
    /// <param name="attentionMask">[N, L] of 0/1 (bool, integer or floating dtype): 1 for real tokens, 0 for padding.</param>
    /// <param name="tokenTypeIds">Segment ids [N, L], int64, each in [0, type_vocab_size); null for all zeros.</param>
    /// <returns>Last hidden state [N, L, H], pooled [N, H] (null without a pooler) and the L + 1 hidden states.</returns>
    /// <exception cref="ArgumentException">Wrong shape, dtype, device or value (the message names the argument).</exception>
    public override TextEncoderOutput forward(Tensor inputIds, Tensor attentionMask, Tensor? tokenTypeIds)
    {
        Validate(inputIds, attentionMask, tokenTypeIds);
        using var scope = NewDisposeScope();
        var types = tokenTypeIds ?? zeros_like(inputIds);
        var hidden = embeddings.forward(inputIds, types);
        // HF get_extended_attention_mask: [N, 1, 1, L], 0 where attended, the dtype's most negative value where not.
        var extended = ones(1, dtype: hidden.dtype, device: hidden.device)
            .sub(attentionMask.to(hidden.dtype)).Times(finfo(hidden.dtype).min).view(attentionMask.shape[0], 1, 1, attentionMask.shape[1]);
        var states = new List<Tensor>(NumLayers + 1) { hidden };
        foreach (var layer in encoder.Layers)
        {
            hidden = layer.forward(hidden, extended);
            states.Add(hidden);
        }

        var pooled = pooler?.forward(hidden);
        scope.MoveToOuter(pooled is null ? states : states.Append(pooled));
        return new TextEncoderOutput(hidden, pooled, states);
    }

    private static WeightLoadOptions DefaultLoadOptions => new()
    {
        IgnoreUnexpected = key => key.StartsWith("cls.", StringComparison.Ordinal)
            || key.StartsWith("lm_head.", StringComparison.Ordinal)
            || key.EndsWith("embeddings.position_ids", StringComparison.Ordinal),
        IgnoreMissing = key => key.StartsWith("pooler.", StringComparison.Ordinal),
    };

    private static bool HasPickle(PretrainedResolver resolver, string repoIdOrPath, string? revision) =>
        Directory.Exists(repoIdOrPath)
            ? File.Exists(Path.Combine(repoIdOrPath, "pytorch_model.bin"))
            : resolver.TryGetCached(repoIdOrPath, "pytorch_model.bin", revision) is not null;

    private void Initialize(Generator? generator)
    {
        // In-place initialisers return the parameter itself, so nothing here may be disposed but the row views.
        using var guard = no_grad();
        using var scope = NewDisposeScope();
        foreach (var (name, parameter) in named_parameters())
        {
            if (name.Contains("LayerNorm", StringComparison.Ordinal))
            {
                _ = name.EndsWith(".weight", StringComparison.Ordinal) ? parameter.fill_(Scalars.OneF) : parameter.zero_();
            }
            else if (name.EndsWith(".bias", StringComparison.Ordinal))
            {
                parameter.zero_();
            }
            else
            {
                // Tensor.normal_ honours the generator (nn.init.normal_ ignores it in TorchSharp).
                parameter.normal_(0.0, Config.InitializerRange, generator);
            }
        }

        // nn.Embedding(padding_idx) starts the padding row at zero.
        var state = state_dict();
        state["embeddings.word_embeddings.weight"][Config.PadTokenId].zero_();
        if (Config.IsRobertaFamily)
        {
            state["embeddings.position_embeddings.weight"][Config.PadTokenId].zero_();
        }
    }

    private void Validate(Tensor inputIds, Tensor attentionMask, Tensor? tokenTypeIds)
    {
        ArgumentNullException.ThrowIfNull(inputIds);
        ArgumentNullException.ThrowIfNull(attentionMask);
        var device = parameters().First().device;
        if (inputIds.dtype != ScalarType.Int64)
        {
            throw new ArgumentException($"inputIds must be int64, got {inputIds.dtype}.", nameof(inputIds));
        }

        if (inputIds.dim() != 2 || inputIds.shape[0] == 0 || inputIds.shape[1] == 0)
        {
            throw new ArgumentException($"inputIds must be a non-empty [N, L] tensor, got shape [{string.Join(", ", inputIds.shape)}].", nameof(inputIds));
        }

        if (inputIds.shape[1] > Config.MaxSequenceLength)
        {
            throw new ArgumentException(
                $"inputIds has length {inputIds.shape[1]}, more than the {Config.MaxSequenceLength} positions this '{Config.ModelType}' model can embed; truncate the batch.",
                nameof(inputIds));
        }

        if (!SameDevice(inputIds.device, device))
        {
            throw new ArgumentException($"inputIds is on {inputIds.device} but the model is on {device}.", nameof(inputIds));
        }

        CheckRange(inputIds, Config.VocabSize, "vocab_size", nameof(inputIds));
        if (!attentionMask.shape.SequenceEqual(inputIds.shape))
        {
            throw new ArgumentException(
                $"attentionMask must have the shape of inputIds [{string.Join(", ", inputIds.shape)}], got [{string.Join(", ", attentionMask.shape)}].", nameof(attentionMask));
        }

        if (!SameDevice(attentionMask.device, device))
        {
            throw new ArgumentException($"attentionMask is on {attentionMask.device} but the model is on {device}.", nameof(attentionMask));
        }

        if (attentionMask.dtype is ScalarType.ComplexFloat32 or ScalarType.ComplexFloat64)
        {
            throw new ArgumentException($"attentionMask must be bool, integer or floating, got {attentionMask.dtype}.", nameof(attentionMask));
        }

        using (var scope = NewDisposeScope())
        {
            if (attentionMask.dtype != ScalarType.Bool && attentionMask.ne(Scalars.Zero).logical_and(attentionMask.ne(Scalars.One)).any().item<bool>())
            {
                throw new ArgumentException("attentionMask must hold only 0 and 1.", nameof(attentionMask));
            }
        }

        if (tokenTypeIds is null)
        {
            return;
        }

        if (tokenTypeIds.dtype != ScalarType.Int64 || !tokenTypeIds.shape.SequenceEqual(inputIds.shape) || !SameDevice(tokenTypeIds.device, device))
        {
            throw new ArgumentException(
                $"tokenTypeIds must be int64 [{string.Join(", ", inputIds.shape)}] on {device}, got {tokenTypeIds.dtype} [{string.Join(", ", tokenTypeIds.shape)}] on {tokenTypeIds.device}.",
                nameof(tokenTypeIds));
        }

        CheckRange(tokenTypeIds, Config.TypeVocabSize, "type_vocab_size", nameof(tokenTypeIds));
    }

    // Device has no value equality; CPU tensors may report index -1 or 0.
    private static bool SameDevice(Device a, Device b) =>
        a.type == b.type && (a.type == DeviceType.CPU || Math.Max(a.index, 0) == Math.Max(b.index, 0));

    private static void CheckRange(Tensor ids, long size, string field, string argument)
    {
        using var scope = NewDisposeScope();
        var min = ids.min().item<long>();
        var max = ids.max().item<long>();
        if (min < 0 || max >= size)
        {
            throw new ArgumentException($"{argument} must lie in [0, {field} = {size}), got values in [{min}, {max}].", argument);
        }
    }
}

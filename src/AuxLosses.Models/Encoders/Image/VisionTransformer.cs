using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using AuxLosses.Internal;
using AuxLosses.Models.Internal;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace AuxLosses.Models;

/// <summary>
/// Vision Transformer (Dosovitskiy et al., "An Image is Worth 16x16 Words", ICLR 2021) with Hugging Face
/// <c>ViTModel</c>'s state-dict key names, so <c>google/vit-base-patch16-224-in21k</c> (and the <c>vit.</c>-prefixed
/// classifier checkpoints) load without renaming:
/// <code>
/// z0 = [x_cls; x_p¹E; …; x_pᵀE] + E_pos                 embeddings.{cls_token, patch_embeddings.projection, position_embeddings}
/// z'ₗ = MSA(LN(zₗ₋₁)) + zₗ₋₁                            encoder.layer.l.{layernorm_before, attention.attention.*, attention.output.dense}
/// zₗ  = MLP(LN(z'ₗ)) + z'ₗ                              encoder.layer.l.{layernorm_after, intermediate.dense, output.dense}
/// y   = LN(z_L)                                         layernorm
/// pooler = tanh(W·y_cls + b)                            pooler.dense (optional)
/// </code>
/// <para>
/// <see cref="forward"/> returns the final sequence <c>y</c> [N, 1 + T, C]; <see cref="Encode"/> returns the CLS state of
/// <c>y</c> as <c>Pooled</c> and the patch states as <c>Tokens</c>; <see cref="EncodeAll"/> adds the pooler output and
/// every hidden state. Inputs must be exactly <see cref="VitConfig.ImageSize"/> square: interpolating the position
/// embeddings to other sizes (HF's <c>interpolate_pos_encoding</c>) is not implemented — resize or crop first
/// (e.g. with <c>ImagePreprocessor</c>).
/// </para>
/// </summary>
public sealed class VisionTransformer : nn.Module<Tensor, Tensor>, IImageEncoder
{
    private static readonly string[] WeightFiles = ["model.safetensors"];

    private readonly VitEmbeddings embeddings;
    private readonly VitEncoder encoder;
    private readonly LayerNorm layernorm;
    private readonly VitPooler? pooler;

    /// <summary>Creates a randomly initialized model (HF's init: truncated normal with <see cref="VitConfig.InitializerRange"/>, zero biases, unit LayerNorms).</summary>
    /// <param name="config">The architecture; default <see cref="VitConfig.VitBasePatch16_224"/>.</param>
    /// <param name="addPoolingLayer">Whether to create <c>pooler.dense</c> (HF's <c>add_pooling_layer</c>). Default true, as <c>ViTModel</c>.</param>
    /// <exception cref="ArgumentOutOfRangeException">The config is invalid; the message names the property.</exception>
    public VisionTransformer(VitConfig? config = null, bool addPoolingLayer = true)
        : base(nameof(VisionTransformer))
    {
        Config = config ?? VitConfig.VitBasePatch16_224;
        Config.Validate();
        embeddings = new VitEmbeddings(Config);
        encoder = new VitEncoder(Config);
        layernorm = nn.LayerNorm(Config.HiddenSize, Config.LayerNormEps);
        pooler = addPoolingLayer ? new VitPooler(Config.HiddenSize) : null;
        RegisterComponents();
        Initialize();
    }

    /// <summary>The architecture this model was built with.</summary>
    public VitConfig Config { get; }

    /// <summary>Whether the model has <c>pooler.dense</c>.</summary>
    public bool HasPooler => pooler is not null;

    /// <summary>Width C of the pooled vector and of each patch token (<see cref="VitConfig.HiddenSize"/>).</summary>
    public long OutputSize => Config.HiddenSize;

    /// <summary>The report of the weight load when this model came from <see cref="FromPretrained"/>; otherwise null.</summary>
    public WeightLoadReport? LoadReport { get; private set; }

    /// <summary>The final layer-normed sequence (HF's <c>last_hidden_state</c>).</summary>
    /// <param name="pixels">Preprocessed images [N, NumChannels, ImageSize, ImageSize], in the parameters' dtype and device.</param>
    /// <returns>[N, 1 + T, C]; index 0 along dim 1 is the CLS token.</returns>
    /// <exception cref="ArgumentException">Wrong rank, size, channel count, dtype or device, an empty batch, or NaN/Inf.</exception>
    public override Tensor forward(Tensor pixels)
    {
        using var scope = NewDisposeScope();
        var result = Run(pixels, outputHiddenStates: false, out _);
        return scope.MoveToOuter(result);
    }

    /// <summary>CLS state after the final LayerNorm as <c>Pooled</c> [N, C], patch states as <c>Tokens</c> [N, T, C]; no feature map.</summary>
    /// <inheritdoc cref="forward"/>
    public ImageEncoderOutput Encode(Tensor pixels)
    {
        using var scope = NewDisposeScope();
        var sequence = Run(pixels, outputHiddenStates: false, out _);
        var pooled = sequence[.., 0].contiguous();
        var tokens = sequence[.., 1..].contiguous();
        scope.MoveToOuter(pooled);
        scope.MoveToOuter(tokens);
        return new ImageEncoderOutput(pooled, tokens, null);
    }

    /// <summary>Every output: final sequence, CLS and patch states, the pooler output (when present) and, on request, all hidden states.</summary>
    /// <param name="pixels">Preprocessed images [N, NumChannels, ImageSize, ImageSize].</param>
    /// <param name="outputHiddenStates">Keep the embedding output and each block's output (L + 1 tensors). Default true.</param>
    /// <exception cref="ArgumentException">Wrong rank, size, channel count, dtype or device, an empty batch, or NaN/Inf.</exception>
    public VisionTransformerOutput EncodeAll(Tensor pixels, bool outputHiddenStates = true)
    {
        using var scope = NewDisposeScope();
        var sequence = Run(pixels, outputHiddenStates, out var hidden);
        var pooled = sequence[.., 0].contiguous();
        var tokens = sequence[.., 1..].contiguous();
        var poolerOutput = pooler?.forward(sequence);
        foreach (var t in new[] { sequence, pooled, tokens, poolerOutput }.Concat(hidden))
        {
            if (t is not null)
            {
                scope.MoveToOuter(t);
            }
        }

        return new VisionTransformerOutput(sequence, pooled, tokens, poolerOutput, hidden);
    }

    /// <summary>
    /// Loads a Hugging Face ViT checkpoint: <c>config.json</c> and <c>model.safetensors</c> from a local folder or a hub
    /// repository id (through <see cref="PretrainedResolver"/>: cache first, then download unless offline).
    /// Keys may carry the <c>vit.</c> prefix of <c>ViTForImageClassification</c>; its <c>classifier.*</c> head is ignored.
    /// Loading is strict: any missing, unexpected or mismatched key throws <see cref="WeightLoadException"/> listing them.
    /// </summary>
    /// <param name="repoIdOrPath">A folder holding the two files, or a repository id such as <c>google/vit-base-patch16-224-in21k</c>.</param>
    /// <param name="addPoolingLayer">Create <c>pooler.dense</c>; null (default) creates it exactly when the checkpoint has it.</param>
    /// <param name="loadOptions">Key mapping; default: prefix <c>vit.</c>, ignore <c>classifier.*</c>, strict.</param>
    /// <param name="resolver">The resolver to use; default a new one configured from the environment (HF_HOME, HF_HUB_OFFLINE, …).</param>
    /// <param name="revision">Branch, tag or commit for hub ids; default <c>main</c>.</param>
    /// <param name="cancellationToken">Cancels a download.</param>
    /// <exception cref="PretrainedFileNotFoundException">A file could not be found; the message lists where it looked.</exception>
    public static async Task<VisionTransformer> FromPretrainedAsync(
        string repoIdOrPath,
        bool? addPoolingLayer = null,
        WeightLoadOptions? loadOptions = null,
        PretrainedResolver? resolver = null,
        string? revision = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(repoIdOrPath);
        var ownResolver = resolver is null;
        resolver ??= new PretrainedResolver();
        try
        {
            var configPath = await resolver.ResolveAsync(repoIdOrPath, "config.json", revision, null, cancellationToken).ConfigureAwait(false);
            var weightsPath = await resolver.ResolveFirstAsync(repoIdOrPath, WeightFiles, revision, null, cancellationToken).ConfigureAwait(false);
            var config = VitConfig.FromFile(configPath);
            var hasPooler = addPoolingLayer ?? SafeTensors.ReadHeader(weightsPath).Keys.Any(k => k is "pooler.dense.weight" or "vit.pooler.dense.weight");
            var model = new VisionTransformer(config, hasPooler);
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
            if (ownResolver)
            {
                resolver.Dispose();
            }
        }
    }

    /// <summary>Synchronous <see cref="FromPretrainedAsync"/>.</summary>
    /// <inheritdoc cref="FromPretrainedAsync"/>
    public static VisionTransformer FromPretrained(
        string repoIdOrPath,
        bool? addPoolingLayer = null,
        WeightLoadOptions? loadOptions = null,
        PretrainedResolver? resolver = null,
        string? revision = null) =>
        Task.Run(() => FromPretrainedAsync(repoIdOrPath, addPoolingLayer, loadOptions, resolver, revision)).GetAwaiter().GetResult();

    /// <summary>The default key mapping for HF ViT checkpoints: strip <c>vit.</c>, ignore a <c>classifier.*</c> head, strict.</summary>
    public static WeightLoadOptions DefaultLoadOptions { get; } = new()
    {
        Prefixes = ["vit."],
        IgnoreUnexpected = key => key.StartsWith("classifier.", StringComparison.Ordinal),
    };

    private Tensor Run(Tensor pixels, bool outputHiddenStates, out List<Tensor> hidden)
    {
        Validate(pixels);
        hidden = [];
        var h = embeddings.forward(pixels);
        foreach (var layer in encoder.Layers)
        {
            if (outputHiddenStates)
            {
                hidden.Add(h);
            }

            h = layer.forward(h);
        }

        if (outputHiddenStates)
        {
            hidden.Add(h);
        }

        return layernorm.forward(h);
    }

    private void Validate(Tensor pixels)
    {
        ArgumentNullException.ThrowIfNull(pixels);
        var reference = layernorm.weight!;
        if (pixels.dim() != 4)
        {
            throw new ArgumentException($"pixels must be [N, C, H, W] (rank 4); got rank {pixels.dim()} with shape [{string.Join(", ", pixels.shape)}].", nameof(pixels));
        }

        if (!pixels.is_floating_point())
        {
            throw new ArgumentException($"pixels must be floating point ({reference.dtype}); got {pixels.dtype}.", nameof(pixels));
        }

        if (pixels.dtype != reference.dtype)
        {
            throw new ArgumentException($"pixels dtype must match the model's parameters ({reference.dtype}); got {pixels.dtype}.", nameof(pixels));
        }

        if (pixels.device_type != reference.device_type || pixels.device_index != reference.device_index)
        {
            throw new ArgumentException($"pixels must be on the model's device ({reference.device}); got {pixels.device}.", nameof(pixels));
        }

        var (n, c, height, width) = (pixels.shape[0], pixels.shape[1], pixels.shape[2], pixels.shape[3]);
        if (n == 0)
        {
            throw new ArgumentException("pixels must hold at least one image; got an empty batch (N = 0).", nameof(pixels));
        }

        if (c != Config.NumChannels)
        {
            throw new ArgumentException($"pixels must have {Config.NumChannels} channels (config num_channels); got {c} in shape [{string.Join(", ", pixels.shape)}].", nameof(pixels));
        }

        if (height != Config.ImageSize || width != Config.ImageSize)
        {
            throw new ArgumentException(
                $"pixels must be {Config.ImageSize}x{Config.ImageSize} (config image_size; position-embedding interpolation is not supported); got {height}x{width}.",
                nameof(pixels));
        }

        using var finite = isfinite(pixels).all();
        if (!finite.item<bool>())
        {
            throw new ArgumentException("pixels contains NaN or Inf.", nameof(pixels));
        }
    }

    // HF ViTPreTrainedModel._init_weights: trunc_normal(std = initializer_range) for Linear/Conv weights and both
    // learned embeddings, zero biases, LayerNorm weight 1 and bias 0. Everything is detached from any dispose scope
    // open at construction so a caller's scope cannot free the model's state.
    private void Initialize()
    {
        var std = Config.InitializerRange;
        using (no_grad())
        {
            foreach (var (name, p) in named_parameters())
            {
                if (name.Contains("layernorm", StringComparison.Ordinal))
                {
                    if (name.EndsWith(".weight", StringComparison.Ordinal))
                    {
                        p.fill_(Scalars.OneF);
                    }
                    else
                    {
                        p.zero_();
                    }
                }
                else if (name.EndsWith(".bias", StringComparison.Ordinal))
                {
                    p.zero_();
                }
                else
                {
                    // HF truncates at ±2 absolute, i.e. ±100 std for 0.02: a clamped normal is the same distribution.
                    p.normal_(0.0, std).clamp_(Scalars.MinusTwoF, Scalars.TwoF);
                }
            }
        }

        foreach (var (_, p) in named_parameters())
        {
            p.DetachFromDisposeScope();
        }

        foreach (var (_, b) in named_buffers())
        {
            b.DetachFromDisposeScope();
        }
    }
}

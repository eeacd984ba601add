using System;
using AuxLosses.Internal;
using TorchSharp;
using static TorchSharp.torch;

namespace AuxLosses;

/// <summary>
/// Sigmoid image-text loss of SigLIP (Zhai et al., 2023, "Sigmoid Loss for Language Image Pre-Training"): every
/// image-text pair is an independent binary classification.
/// <code>
/// ℓ_ij = s · norm(I_i)·norm(T_j) + b,     s = min(exp(t), MaxLogitScale)
/// L = −1/B · Σ_i Σ_j log σ(z_ij · ℓ_ij),  z_ij = +1 for i = j, −1 otherwise
/// </code>
/// With labels (<see cref="forward(Tensor, Tensor, Tensor)"/>), z_ij = +1 for every same-label pair. The defaults
/// (t = ln 10, b = −10, both learnable, normalisation over B) reproduce open_clip's <c>SigLipLoss</c> on one device.
/// Like <see cref="ImageTextContrastiveLoss"/>, the scale cap is applied in <c>forward</c> (zero gradient to t while it
/// is active) instead of clamping the parameter after the optimizer step. Dense and chunked evaluation give the same
/// value and gradients; chunked never allocates a B×B tensor. bf16/fp16 inputs are computed in float32 and the loss is
/// cast back to the input dtype.
/// </summary>
public sealed class SigmoidContrastiveLoss : nn.Module<Tensor, Tensor, Tensor>
{
    // open_clip names (state_dict keys): t, the log of the scale, and b.
    private readonly Tensor logit_scale;
    private readonly Tensor logit_bias;

    /// <summary>Creates the loss; <paramref name="options"/> defaults to <see cref="SigmoidContrastiveLossOptions"/>'s defaults.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range (the message names it).</exception>
    public SigmoidContrastiveLoss(SigmoidContrastiveLossOptions? options = null, string name = nameof(SigmoidContrastiveLoss))
        : base(name)
    {
        Options = options ?? new SigmoidContrastiveLossOptions();
        Options.Validate();
        var scale = tensor(Math.Log(Options.InitialLogitScale), dtype: ScalarType.Float32);
        var bias = tensor(Options.InitialLogitBias, dtype: ScalarType.Float32);
        logit_scale = Options.LearnableScale ? Detached.Parameter(scale) : Detached.Buffer(scale);
        logit_bias = Options.LearnableBias ? Detached.Parameter(bias) : Detached.Buffer(bias);
        RegisterComponents();
    }

    /// <summary>The options this loss was built with.</summary>
    public SigmoidContrastiveLossOptions Options { get; }

    /// <summary>t, the log of the logit scale (0-d; a parameter when learnable, else a buffer); state_dict key <c>logit_scale</c>.</summary>
    public Tensor LogScale => logit_scale;

    /// <summary>b, the logit bias (0-d; a parameter when learnable, else a buffer); state_dict key <c>logit_bias</c>.</summary>
    public Tensor LogitBias => logit_bias;

    /// <summary>The logit scale currently used, min(exp(t), MaxLogitScale) (reads the value to the host).</summary>
    public double LogitScale => ContrastiveCommon.CurrentScale(logit_scale, Options.MaxLogitScale);

    /// <summary>The SigLIP loss of paired features: only (i, i) pairs are positives.</summary>
    /// <param name="image">Image embeddings [B, D], floating point.</param>
    /// <param name="text">Text embeddings [B, D], same dtype and device as <paramref name="image"/>.</param>
    /// <returns>A scalar in the input dtype.</returns>
    /// <exception cref="ArgumentException">Shapes, dtypes or devices differ, a batch is empty or holds NaN/Inf.</exception>
    public override Tensor forward(Tensor image, Tensor text) => Compute(image, text, null, withLabels: false);

    /// <summary>The SigLIP loss with every same-label pair as a positive.</summary>
    /// <param name="image">Image embeddings [B, D], floating point.</param>
    /// <param name="text">Text embeddings [B, D], same dtype and device as <paramref name="image"/>.</param>
    /// <param name="labels">Class ids [B], integer, non-negative, on the device of the features.</param>
    /// <returns>A scalar in the input dtype.</returns>
    /// <exception cref="ArgumentException">Bad features or labels (the message names the argument).</exception>
    public Tensor forward(Tensor image, Tensor text, Tensor labels) => Compute(image, text, labels, withLabels: true);

    private Tensor Compute(Tensor image, Tensor text, Tensor? labels, bool withLabels)
    {
        ContrastiveCommon.ValidateInputs(image, text, labels, withLabels);
        using var scope = NewDisposeScope();
        var x = ContrastiveCommon.Prepare(image, Options.Normalize);
        var y = ContrastiveCommon.Prepare(text, Options.Normalize);
        var scale = logit_scale.exp().clamp_max(Options.MaxLogitScale).to_type(x.dtype);
        var bias = logit_bias.to_type(x.dtype);
        var (classes, _) = ContrastiveCommon.Classes(labels, x.shape[0], x.device, x.dtype);
        var loss = ContrastiveCommon.Resolve(Options.Implementation, x.shape[0], x.device, x.dtype) switch
        {
            ContrastiveImplementation.Dense => Dense(x, y, scale, bias, classes),
            ContrastiveImplementation.Fused => FusedContrastiveFunction.Sigmoid(x, y, scale, bias, classes),
            _ => ChunkedSigmoidContrastive.Loss(x, y, scale, bias, classes, Options.ChunkSize),
        };
        return scope.MoveToOuter(loss.to_type(image.dtype));
    }

    /// <summary>The loss on materialised B×B logits.</summary>
    internal static Tensor Dense(Tensor x, Tensor y, Tensor scale, Tensor bias, Tensor classes)
    {
        using var scope = NewDisposeScope();
        var logits = scale * x.mm(y.t()) + bias;
        var signs = classes.unsqueeze(1).eq(classes.unsqueeze(0)).to_type(logits.dtype) * 2 - 1;
        return scope.MoveToOuter(-nn.functional.logsigmoid(signs * logits).sum() / x.shape[0]);
    }
}

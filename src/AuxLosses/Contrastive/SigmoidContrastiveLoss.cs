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

    /// <summary>
    /// SigLIP with a cross-batch memory: besides the B² batch pairs, every (batch image, queued text) and (queued
    /// image, batch text) pair is an extra negative, still divided by B. Dense (memory B×(B+K)) whatever
    /// <see cref="SigmoidContrastiveLossOptions.Implementation"/> says; the queue is read, never written.
    /// </summary>
    /// <param name="image">Image embeddings [B, D], floating point.</param>
    /// <param name="text">Text embeddings [B, D], same dtype and device as <paramref name="image"/>.</param>
    /// <param name="queue">Past entries (D = queue.Dim, same device); with Count = 0 the loss equals <see cref="forward(Tensor, Tensor)"/>.</param>
    /// <returns>A scalar in the input dtype; no gradient reaches the queue.</returns>
    /// <exception cref="ArgumentException">Bad features, or a queue of another width or device.</exception>
    public Tensor forward(Tensor image, Tensor text, FeatureQueue queue) => CrossBatchContrastive.SigmoidWithQueue(this, image, text, null, queue, withLabels: false);

    /// <summary>SigLIP with a labelled cross-batch memory: the extra pairs are positives (z = +1) when the queued label equals the batch label. Dense; the queue is read, never written.</summary>
    /// <param name="image">Image embeddings [B, D], floating point.</param>
    /// <param name="text">Text embeddings [B, D], same dtype and device as <paramref name="image"/>.</param>
    /// <param name="labels">Class ids [B], integer, non-negative, on the device of the features.</param>
    /// <param name="queue">Past entries with labels (<see cref="FeatureQueueOptions.StoreLabels"/>).</param>
    /// <returns>A scalar in the input dtype; no gradient reaches the queue.</returns>
    /// <exception cref="ArgumentException">Bad features or labels, or a queue without labels, of another width or device.</exception>
    public Tensor forward(Tensor image, Tensor text, Tensor labels, FeatureQueue queue) => CrossBatchContrastive.SigmoidWithQueue(this, image, text, labels, queue, withLabels: true);

    /// <summary>
    /// Data-parallel local loss: this rank's B images against all ranks' N·B texts gathered by
    /// <paramref name="gatherer"/> (each pair belongs to its image's rank), divided by B. The mean over ranks of the
    /// returned losses and of the parameter gradients equals the full-batch loss and gradient (see
    /// <see cref="IFeatureGatherer"/>). open_clip exchanges the texts in a ring instead; the sum is the same. Dense: B×N·B.
    /// </summary>
    /// <param name="image">This rank's image embeddings [B, D] (B equal on all ranks).</param>
    /// <param name="text">This rank's text embeddings [B, D], same dtype and device as <paramref name="image"/>.</param>
    /// <param name="gatherer">The user's all-gather.</param>
    /// <returns>A scalar in the input dtype.</returns>
    /// <exception cref="ArgumentException">Bad features, or the gatherer returned a tensor of the wrong shape, dtype, device or order.</exception>
    public Tensor forward(Tensor image, Tensor text, IFeatureGatherer gatherer) => CrossBatchContrastive.SigmoidLocal(this, image, text, null, gatherer, withLabels: false);

    /// <summary>The labelled data-parallel local loss: as <see cref="forward(Tensor, Tensor, IFeatureGatherer)"/>, with labels gathered too and every same-label pair a positive.</summary>
    /// <param name="image">This rank's image embeddings [B, D] (B equal on all ranks).</param>
    /// <param name="text">This rank's text embeddings [B, D], same dtype and device as <paramref name="image"/>.</param>
    /// <param name="labels">This rank's class ids [B], integer, non-negative.</param>
    /// <param name="gatherer">The user's all-gather.</param>
    /// <returns>A scalar in the input dtype.</returns>
    /// <exception cref="ArgumentException">Bad features or labels, or the gatherer returned a tensor of the wrong shape, dtype, device or order.</exception>
    public Tensor forward(Tensor image, Tensor text, Tensor labels, IFeatureGatherer gatherer) => CrossBatchContrastive.SigmoidLocal(this, image, text, labels, gatherer, withLabels: true);

    private Tensor Compute(Tensor image, Tensor text, Tensor? labels, bool withLabels)
    {
        ContrastiveCommon.ValidateInputs(image, text, labels, withLabels);
        using var scope = NewDisposeScope();
        var x = ContrastiveCommon.Prepare(image, Options.Normalize);
        var y = ContrastiveCommon.Prepare(text, Options.Normalize);
        using var maxScale = Options.MaxLogitScale.ToScalar();
        var scale = logit_scale.exp().clamp_max(maxScale).to_type(x.dtype);
        var bias = logit_bias.to_type(x.dtype);
        var (classes, _) = ContrastiveCommon.Classes(labels, x.shape[0], x.device, x.dtype);
        var loss = ContrastiveCommon.Resolve(Options.Implementation, x.shape[0], x.device, x.dtype) switch
        {
            ContrastiveImplementation.Dense => Dense(x, y, scale, bias, classes, distinctClasses: labels is null),
            ContrastiveImplementation.Fused => FusedContrastiveFunction.Sigmoid(ContrastiveCommon.FusedInput(x, image.dtype), ContrastiveCommon.FusedInput(y, image.dtype), scale, bias, classes),
            _ => ChunkedSigmoidContrastive.Loss(x, y, scale, bias, classes, Options.ChunkSize),
        };
        return scope.MoveToOuter(loss.to_type(image.dtype));
    }

    /// <summary>
    /// The loss on materialised B×B logits. With <paramref name="distinctClasses"/> the caller promises every sample is
    /// its own class (no labels), which skips the class grouping.
    /// </summary>
    /// <remarks>
    /// −log σ(z·ℓ) = softplus(−z·ℓ), and softplus(−ℓ) = softplus(ℓ) − ℓ, so
    /// Σ_ij −log σ(z_ij ℓ_ij) = Σ_ij softplus(ℓ_ij) − Σ_{z_ij = +1} ℓ_ij. The positive sum is linear in ℓ = (s·x)·yᵀ + b:
    /// Σ_c (Σ_{i∈c} s·x_i)·(Σ_{j∈c} y_j) + b·Σ_c n_c², a [B, D] computation. The only B×B work is the GEMM (bias added
    /// in it), one softplus and its sum (and their backward); no ±1 sign matrix is built.
    /// </remarks>
    internal static Tensor Dense(Tensor x, Tensor y, Tensor scale, Tensor bias, Tensor classes, bool distinctClasses = false)
    {
        using var scope = NewDisposeScope();
        var batch = x.shape[0];
        var xs = x * scale;
        var logits = addmm(bias, xs, y.t(), beta: 1, alpha: 1);
        Tensor positive;
        if (distinctClasses)
        {
            positive = (xs * y).sum().Plus(bias.Times(batch));
        }
        else
        {
            var (_, inverse, counts) = classes.unique(sorted: false, return_inverse: true, return_counts: true);
            var group = inverse!.reshape(-1);
            var classCount = counts!.shape[0];
            var xSums = zeros(classCount, xs.shape[1], dtype: xs.dtype, device: xs.device).index_add(0, group, xs, Scalars.OneF);
            var ySums = zeros(classCount, y.shape[1], dtype: y.dtype, device: y.device).index_add(0, group, y, Scalars.OneF);
            var pairs = counts.to_type(xs.dtype).pow(Scalars.Two).sum();
            positive = (xSums * ySums).sum().Plus(bias * pairs);
        }

        return scope.MoveToOuter((Softplus(logits).sum() - positive).Over(batch));
    }

    // softplus(ℓ) = −log σ(−ℓ). TorchSharp's softplus converts its beta/threshold to temporary scalars the
    // finalizer may free mid-call; logsigmoid takes none and is just as stable.
    private static Tensor Softplus(Tensor logits) => nn.functional.logsigmoid(logits.neg()).neg();
}

using System;
using AuxLosses.Internal;
using TorchSharp;
using static TorchSharp.torch;

namespace AuxLosses;

/// <summary>
/// Supervised contrastive loss (SupCon) of Khosla et al., "Supervised Contrastive Learning", NeurIPS 2020, as
/// used intra-modally (L_img, L_txt) by SPP-SCL (Wu and Li, AAAI 2026; github.com/TomorrowJW/SPP-SCL).
/// <code>
/// L = −(τ/τ_base) · mean_{i: |P(i)| &gt; 0}  1/|P(i)| Σ_{p ∈ P(i)} log( exp(z_i·z_p/τ) / Σ_{a ≠ i} exp(z_i·z_a/τ) )
/// P(i) = { p ≠ i : y_p = y_i }
/// </code>
/// </summary>
/// <remarks>
/// <para>
/// <c>features</c> is <c>[B, D]</c> (one view) or <c>[B, V, D]</c> (V views of each sample, flattened view-major
/// like SupContrast's <c>torch.cat(torch.unbind(features, 1))</c>; other views of a sample are positives).
/// With <see cref="SupConContrastMode.One"/> only view 0 anchors. The defaults reproduce SupContrast's
/// <c>SupConLoss(temperature=0.07, contrast_mode='all', base_temperature=0.07)</c> on L2-normalised features.
/// </para>
/// <para>
/// Anchors without a positive (a class seen once in the batch) are left out of the mean — SupContrast's current
/// code averages them in as 0, which shrinks the loss by the fraction of such anchors. When no anchor has a
/// positive the loss is an exact 0 that stays connected to the graph (zero gradients: nothing to learn), so
/// <c>backward()</c> always works. Logits are computed in float32 for half-precision inputs and the result is
/// cast back; the log-sum-exp is never formed from exp then log, so the loss is finite for any finite input.
/// </para>
/// <para>
/// <see cref="SupConVariant.SppSclReference"/> instead reproduces SPP-SCL's <c>CLoss</c> exactly (see
/// <see cref="SupConVariant"/>). SPP-SCL only feeds <c>[B, D]</c>; for <c>[B, V, D]</c> the same arithmetic is
/// applied to the flattened views, with each anchor's own column zeroed.
/// </para>
/// </remarks>
public sealed class SupervisedContrastiveLoss : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly double temperature;
    private readonly double scale;
    private readonly SupConContrastMode contrastMode;
    private readonly bool normalize;
    private readonly SupConVariant variant;

    /// <summary>Creates the loss.</summary>
    /// <param name="options">Settings; <see langword="null"/> uses the defaults of <see cref="SupervisedContrastiveOptions"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range; the message names it.</exception>
    public SupervisedContrastiveLoss(SupervisedContrastiveOptions? options = null)
        : base(nameof(SupervisedContrastiveLoss))
    {
        options ??= new SupervisedContrastiveOptions();
        temperature = TensorGuard.Positive(options.Temperature, nameof(options.Temperature));
        scale = temperature / TensorGuard.Positive(options.BaseTemperature, nameof(options.BaseTemperature));
        contrastMode = EnumGuard.Defined(options.ContrastMode, nameof(options.ContrastMode));
        variant = EnumGuard.Defined(options.Variant, nameof(options.Variant));
        normalize = options.Normalize;
        RegisterComponents();
    }

    /// <summary>The supervised contrastive loss of a batch.</summary>
    /// <param name="features">Floating-point <c>[B, D]</c> or <c>[B, V, D]</c>, finite.</param>
    /// <param name="labels">Integer class labels <c>[B]</c>, non-negative, on the device of <paramref name="features"/>.</param>
    /// <returns>A scalar in the dtype of <paramref name="features"/>.</returns>
    /// <exception cref="ArgumentException">Bad shape, dtype, device, labels or a NaN/Inf; the message names the argument.</exception>
    public override Tensor forward(Tensor features, Tensor labels)
    {
        Validate(features, labels);
        return Compute(features, labels, null, null);
    }

    /// <summary>
    /// The loss with a cross-batch memory (as XBM, Wang et al., CVPR 2020): anchors come from the batch only; the
    /// candidates are the batch's views followed by the queued entries of <paramref name="modality"/>, and queued
    /// entries with the anchor's label are positives. Queued entries are L2-normalised like the batch when
    /// <see cref="SupervisedContrastiveOptions.Normalize"/> is set. The queue is read, never written.
    /// </summary>
    /// <param name="features">Floating-point <c>[B, D]</c> or <c>[B, V, D]</c>, finite.</param>
    /// <param name="labels">Integer class labels <c>[B]</c>, non-negative, on the device of <paramref name="features"/>.</param>
    /// <param name="queue">Past entries with labels (<see cref="FeatureQueueOptions.StoreLabels"/>), D = queue.Dim, same device.</param>
    /// <param name="modality">Which queued modality to read: the one <paramref name="features"/> belongs to.</param>
    /// <returns>A scalar in the dtype of <paramref name="features"/>; no gradient reaches the queue.</returns>
    /// <exception cref="ArgumentException">Bad features or labels, or a queue without labels, of another width or device.</exception>
    public Tensor forward(Tensor features, Tensor labels, FeatureQueue queue, Modality modality)
    {
        Validate(features, labels);
        ScaleGuard.Queue(queue, nameof(queue), features, needLabels: true);
        EnumGuard.Defined(modality, nameof(modality));
        return Compute(features, labels, queue, null, modality);
    }

    /// <summary>
    /// Data-parallel local loss: this rank's anchors against every rank's views gathered by
    /// <paramref name="gatherer"/> (with labels). Returns WorldSize × this rank's share of the full-batch sum divided
    /// by the full batch's number of anchors with a positive, so the mean over ranks of the returned losses and of
    /// the parameter gradients (DDP averaging) equal the full-batch loss and gradient (see <see cref="IFeatureGatherer"/>).
    /// Dense: (V·B)×(V·N·B).
    /// </summary>
    /// <param name="features">This rank's <c>[B, D]</c> or <c>[B, V, D]</c> features (B equal on all ranks), finite.</param>
    /// <param name="labels">This rank's integer class labels <c>[B]</c>, non-negative.</param>
    /// <param name="gatherer">The user's all-gather.</param>
    /// <returns>A scalar in the dtype of <paramref name="features"/>.</returns>
    /// <exception cref="ArgumentException">Bad features or labels, or the gatherer returned a tensor of the wrong shape, dtype, device or order.</exception>
    public Tensor forward(Tensor features, Tensor labels, IFeatureGatherer gatherer)
    {
        Validate(features, labels);
        ScaleGuard.Gatherer(gatherer, nameof(gatherer));
        return Compute(features, labels, null, gatherer);
    }

    private static void Validate(Tensor features, Tensor labels)
    {
        TensorGuard.Features(features, nameof(features), 2, 3);
        TensorGuard.Labels(labels, nameof(labels), features.shape[0], features);
        TensorGuard.Finite(features, nameof(features));
    }

    private Tensor Compute(Tensor features, Tensor labels, FeatureQueue? queue, IFeatureGatherer? gatherer, Modality modality = Modality.Image)
    {
        using var scope = NewDisposeScope();
        var batch = features.shape[0];
        var views = features.dim() == 3 ? features : features.unsqueeze(1);
        var viewCount = views.shape[1];
        // Data-parallel: every rank's samples in rank order (this rank's slice carries the gradient); else just the batch.
        var offset = gatherer is null ? 0 : gatherer.Rank * batch;
        var samples = gatherer is null ? views : GatherWithGrad.Gather(gatherer, nameof(gatherer), views, nameof(features));
        var sampleLabels = gatherer is null ? labels : ScaleGuard.AllGather(gatherer, nameof(gatherer), labels, nameof(labels));
        var total = samples.shape[0];
        var z = SupConMath.Embed(samples, normalize);
        // Row v·N + b is view v of sample b, the order SupContrast's mask tiling assumes.
        var contrast = z.transpose(0, 1).reshape(viewCount * total, z.shape[2]);
        var contrastLabels = sampleLabels.repeat(viewCount);
        // Anchors: this batch's rows of the contrast set (all views, or view 0 only); anchor k sits at column index[k].
        var local = Scalars.Arange(offset, offset + batch, ScalarType.Int64, features.device);
        var index = contrastMode == SupConContrastMode.One
            ? local
            : local.unsqueeze(0).Plus(Scalars.Arange(viewCount, ScalarType.Int64, features.device).unsqueeze(1).Times(total)).reshape(-1);
        var anchors = contrast.index_select(0, index);
        var anchorLabels = contrastLabels.index_select(0, index);
        if (queue is not null)
        {
            var queued = SupConMath.Embed(queue.Features(modality).to(z.dtype), normalize);
            contrast = cat(new[] { contrast, queued });
            contrastLabels = cat(new[] { contrastLabels, queue.Labels.to(contrastLabels.dtype) });
        }

        if (variant == SupConVariant.Khosla && features.device.type == DeviceType.CUDA
            && ContrastiveCommon.FusedUsable(features.device, anchors.dtype, out _))
        {
            // Fused CUDA kernel: same loss without materialising the anchors × contrast logits.
            var inverseTemperature = tensor(1.0 / temperature, dtype: ScalarType.Float32, device: features.device);
            var fused = FusedContrastiveFunction.SupCon(ContrastiveCommon.FusedInput(anchors, features.dtype), ContrastiveCommon.FusedInput(contrast, features.dtype), inverseTemperature, anchorLabels, contrastLabels, scale);
            return scope.MoveToOuter(fused.to(features.dtype));
        }

        Tensor loss;
        Tensor withPositive;
        if (variant == SupConVariant.Khosla)
        {
            // 1/τ on the [A, D] side saves a B×B pass. Σ_{p∈P(i)} s_ip = (z_i/τ)·(Σ_{same label} z_c − z_i): the anchor is
            // one of its own same-label candidates and is not a positive.
            var scaled = anchors.Over(temperature);
            var logits = scaled.matmul(contrast.t());
            var (sums, counts) = SupConMath.SameLabel(contrast, contrastLabels, anchorLabels);
            var positiveCount = counts.Minus(1);
            var positiveSum = (scaled * (sums - anchors)).sum(1);
            if (contrast.shape[0] > 1)
            {
                // The anchor's own column leaves the log-sum-exp; in place on S (the GEMM's backward does not read it).
                // With a single column there is no positive either and the row is left as is (finite, weight 0).
                logits.scatter_(1, index.unsqueeze(1), full(new[] { index.shape[0], 1L }, Scalars.NegativeInfinity, dtype: logits.dtype, device: logits.device));
            }

            loss = SupConMath.KhoslaFactored(logits, positiveSum, positiveCount, scale);
            withPositive = positiveCount.gt(Scalars.Zero);
        }
        else
        {
            var logits = anchors.matmul(contrast.t()).Over(temperature);
            var self = index.unsqueeze(1).eq(Scalars.Arange(contrast.shape[0], ScalarType.Int64, features.device).unsqueeze(0));
            var positives = anchorLabels.unsqueeze(1).eq(contrastLabels.unsqueeze(0)).logical_and(self.logical_not());
            loss = SupConMath.Reference(logits, positives, self);
            withPositive = positives.any(1);
        }

        if (gatherer is not null)
        {
            loss = loss * LocalShare(withPositive, sampleLabels, viewCount, gatherer.WorldSize).to(loss.dtype);
        }

        return scope.MoveToOuter(loss.to(features.dtype));
    }

    /// <summary>
    /// Turns this rank's mean into WorldSize × (its share of the full-batch mean). Khosla averages over anchors
    /// with a positive: rank mean · max(A_rank, 1) / max(A_all, 1) · N, where an anchor has a positive iff its label
    /// occurs at least twice among all contrast rows (itself included), so A_all needs labels only. The reference
    /// variant averages over all rows, of which every rank has the same number: the factor is 1.
    /// </summary>
    private Tensor LocalShare(Tensor withPositive, Tensor allLabels, long viewCount, int worldSize)
    {
        if (variant != SupConVariant.Khosla)
        {
            return ones(System.Array.Empty<long>(), dtype: ScalarType.Float64, device: withPositive.device);
        }

        var perView = contrastMode == SupConContrastMode.One ? 1 : viewCount;
        var labelCounts = allLabels.unsqueeze(1).eq(allLabels.unsqueeze(0)).sum(1).Times(viewCount);
        var allWithPositive = labelCounts.ge(Scalars.Two).sum().to(ScalarType.Float64).Times(perView);
        var rankWithPositive = withPositive.sum().to(ScalarType.Float64);
        return rankWithPositive.clamp_min(Scalars.OneF).Times(worldSize) / allWithPositive.clamp_min(Scalars.OneF);
    }
}

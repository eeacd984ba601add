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
        using var scope = NewDisposeScope();
        TensorGuard.Features(features, nameof(features), 2, 3);
        var batch = features.shape[0];
        TensorGuard.Labels(labels, nameof(labels), batch, features);
        TensorGuard.Finite(features, nameof(features));

        var views = features.dim() == 3 ? features : features.unsqueeze(1);
        var viewCount = views.shape[1];
        var z = SupConMath.Embed(views, normalize);
        // Row v·B + b is view v of sample b, the order SupContrast's mask tiling assumes.
        var contrast = z.transpose(0, 1).reshape(viewCount * batch, z.shape[2]);
        var contrastLabels = labels.repeat(viewCount);
        var (anchors, anchorLabels) = contrastMode == SupConContrastMode.One
            ? (z.select(1, 0), labels)
            : (contrast, contrastLabels);

        if (variant == SupConVariant.Khosla && features.device.type == DeviceType.CUDA
            && ContrastiveCommon.FusedUsable(features.device, anchors.dtype, out _))
        {
            // Fused CUDA kernel: same loss without materialising the anchors × contrast logits.
            var inverseTemperature = tensor(1.0 / temperature, dtype: ScalarType.Float32, device: features.device);
            var fused = FusedContrastiveFunction.SupCon(anchors, contrast, inverseTemperature, anchorLabels, contrastLabels, scale);
            return scope.MoveToOuter(fused.to(features.dtype));
        }

        var logits = anchors.matmul(contrast.t()) / temperature;
        // Anchor k is column k in both modes (view 0 of sample k when only view 0 anchors).
        var self = eye(anchors.shape[0], contrast.shape[0], ScalarType.Bool, features.device);
        var positives = anchorLabels.unsqueeze(1).eq(contrastLabels.unsqueeze(0)).logical_and(self.logical_not());
        var loss = variant == SupConVariant.Khosla
            ? SupConMath.Khosla(logits, positives, self, scale)
            : SupConMath.Reference(logits, positives, self);
        return scope.MoveToOuter(loss.to(features.dtype));
    }
}

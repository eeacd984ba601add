using System;
using AuxLosses.Internal;
using TorchSharp;
using static TorchSharp.torch;

namespace AuxLosses;

/// <summary>
/// Inter-modal supervised contrastive loss of SPP-SCL (Wu and Li, "SPP-SCL: Semi-Push-Pull Supervised
/// Contrastive Learning for Image-Text Sentiment Analysis and Beyond", AAAI 2026; <c>CLoss_T_I</c> in
/// github.com/TomorrowJW/SPP-SCL): anchors from one modality against all candidates from the other.
/// <code>
/// L(A→C) = −(τ/τ_base) · mean_i  1/|P(i)| Σ_{p ∈ P(i)} log( exp(a_i·c_p/τ) / Σ_j exp(a_i·c_j/τ) )
/// P(i) = { p : y_p = y_i }   (includes the paired candidate p = i, so every anchor has a positive)
/// </code>
/// </summary>
/// <remarks>
/// <para>
/// The loss is directional: SPP-SCL's training loop uses text features as anchors and image features as
/// candidates, once. <see cref="CrossModalSupervisedContrastiveOptions.Symmetric"/> averages both directions,
/// <c>½[L(A→C) + L(C→A)]</c>. With the defaults the value equals SPP-SCL's up to the <c>+1e-12</c> its code adds
/// inside the log; <see cref="SupConVariant.SppSclReference"/> reproduces that too (no τ/τ_base factor).
/// </para>
/// <para>Half-precision inputs are computed in float32 and the result is cast back; the loss is finite for any finite input.</para>
/// </remarks>
public sealed class CrossModalSupervisedContrastiveLoss : nn.Module<Tensor, Tensor, Tensor, Tensor>
{
    private readonly double temperature;
    private readonly double scale;
    private readonly bool normalize;
    private readonly bool symmetric;
    private readonly SupConVariant variant;

    /// <summary>Creates the loss.</summary>
    /// <param name="options">Settings; <see langword="null"/> uses the defaults of <see cref="CrossModalSupervisedContrastiveOptions"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range; the message names it.</exception>
    public CrossModalSupervisedContrastiveLoss(CrossModalSupervisedContrastiveOptions? options = null)
        : base(nameof(CrossModalSupervisedContrastiveLoss))
    {
        options ??= new CrossModalSupervisedContrastiveOptions();
        temperature = TensorGuard.Positive(options.Temperature, nameof(options.Temperature));
        scale = temperature / TensorGuard.Positive(options.BaseTemperature, nameof(options.BaseTemperature));
        variant = EnumGuard.Defined(options.Variant, nameof(options.Variant));
        normalize = options.Normalize;
        symmetric = options.Symmetric;
        RegisterComponents();
    }

    /// <summary>The inter-modal supervised contrastive loss of a batch of pairs.</summary>
    /// <param name="anchors">Floating-point <c>[B, D]</c> features of one modality (SPP-SCL: text), finite.</param>
    /// <param name="candidates">Floating-point <c>[B, D]</c> features of the other modality (SPP-SCL: image); row i pairs with anchor i.</param>
    /// <param name="labels">Integer class labels <c>[B]</c> of the pairs, non-negative.</param>
    /// <returns>A scalar in the dtype of <paramref name="anchors"/>.</returns>
    /// <exception cref="ArgumentException">Bad shape, dtype, device, labels or a NaN/Inf; the message names the argument.</exception>
    public override Tensor forward(Tensor anchors, Tensor candidates, Tensor labels)
    {
        using var scope = NewDisposeScope();
        TensorGuard.Features(anchors, nameof(anchors), 2);
        TensorGuard.Features(candidates, nameof(candidates), 2);
        TensorGuard.SameShape(anchors, nameof(anchors), candidates, nameof(candidates));
        TensorGuard.SameDtypeAndDevice(anchors, nameof(anchors), candidates, nameof(candidates));
        TensorGuard.Labels(labels, nameof(labels), anchors.shape[0], anchors);
        TensorGuard.Finite(anchors, nameof(anchors));
        TensorGuard.Finite(candidates, nameof(candidates));

        var a = SupConMath.Embed(anchors, normalize);
        var c = SupConMath.Embed(candidates, normalize);
        if (variant == SupConVariant.Khosla)
        {
            var khosla = symmetric ? Factored(a, c, labels).Plus(Factored(c, a, labels)).Times(0.5) : Factored(a, c, labels);
            return scope.MoveToOuter(khosla.to(anchors.dtype));
        }

        // Same-label mask, diagonal included: it is symmetric, so both directions share it.
        var positives = labels.unsqueeze(1).eq(labels.unsqueeze(0));
        var loss = symmetric ? Reference(a, c, positives).Plus(Reference(c, a, positives)).Times(0.5) : Reference(a, c, positives);
        return scope.MoveToOuter(loss.to(anchors.dtype));
    }

    /// <summary>Khosla: Σ_{p∈P(i)} s_ip = (a_i/τ)·Σ_{same label} c_p, so neither a mask nor log-probabilities are built.</summary>
    private Tensor Factored(Tensor from, Tensor to, Tensor labels)
    {
        var scaled = from.Over(temperature);
        var logits = scaled.matmul(to.t());
        var (sums, counts) = SupConMath.SameLabel(to, labels, labels);
        return SupConMath.KhoslaFactored(logits, (scaled * sums).sum(1), counts, scale);
    }

    private Tensor Reference(Tensor from, Tensor to, Tensor positives)
    {
        var logits = from.matmul(to.t()).Over(temperature);
        return SupConMath.Reference(logits, positives, null);
    }
}

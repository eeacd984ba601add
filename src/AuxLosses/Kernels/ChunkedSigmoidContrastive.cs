using System.Collections.Generic;
using AuxLosses.Internal;
using TorchSharp;
using static TorchSharp.torch;

namespace AuxLosses.Internal;

/// <summary>
/// The SigLIP loss over logits = s·X·Yᵀ + b evaluated in tiles, as a custom autograd function that saves only its
/// inputs and recomputes each tile in backward, so no B×B tensor ever exists.
/// <code>
/// L = −1/B · Σ_ij log σ(z_ij·ℓ_ij),   ℓ = s·X·Yᵀ + b,   z_ij = +1 if class_i = class_j else −1
/// ∂L/∂ℓ_ij = −z_ij·σ(−z_ij·ℓ_ij)/B
/// ∂L/∂X = s·(∂L/∂ℓ)·Y,  ∂L/∂Y = s·(∂L/∂ℓ)ᵀ·X,  ∂L/∂s = Σ ∂L/∂ℓ ⊙ (X·Yᵀ),  ∂L/∂b = Σ ∂L/∂ℓ
/// </code>
/// </summary>
internal sealed class ChunkedSigmoidContrastive : autograd.SingleTensorFunction<ChunkedSigmoidContrastive>
{
    /// <inheritdoc/>
    public override string Name => nameof(ChunkedSigmoidContrastive);

    /// <summary>The loss for features x, y [B, D], scale s and bias b (0-d) and classes [B].</summary>
    public static Tensor Loss(Tensor x, Tensor y, Tensor scale, Tensor bias, Tensor classes, long chunk) =>
        apply(x, y, scale, bias, classes, chunk);

    /// <inheritdoc/>
    public override Tensor forward(autograd.AutogradContext ctx, params object[] vars)
    {
        var (x, y, scale, bias, classes) = ((Tensor)vars[0], (Tensor)vars[1], (Tensor)vars[2], (Tensor)vars[3], (Tensor)vars[4]);
        var chunk = (long)vars[5];
        using var scope = NewDisposeScope();
        var batch = x.shape[0];
        // Scalar accumulator in float64: thousands of tile sums would otherwise drift in float32.
        var total = zeros(System.Array.Empty<long>(), dtype: ScalarType.Float64, device: x.device);
        foreach (var (r0, rn, k0, kn) in ChunkedSoftmaxContrastive.Tiles(batch, chunk))
        {
            using var tile = NewDisposeScope();
            var logits = x.narrow(0, r0, rn).mm(y.narrow(0, k0, kn).t()).mul_(scale).add_(bias, Scalars.One);
            total.sub_(nn.functional.logsigmoid(Signs(classes, r0, rn, k0, kn, logits.dtype).mul_(logits)).sum(type: ScalarType.Float64));
        }

        ctx.save_for_backward(new List<Tensor> { x, y, scale, bias, classes });
        ctx.save_data("chunk", chunk);
        using var batchSize = batch.ToScalar();
        return scope.MoveToOuter(total.div_(batchSize).to_type(x.dtype));
    }

    /// <inheritdoc/>
    public override List<Tensor> backward(autograd.AutogradContext ctx, Tensor grad_output)
    {
        using var scope = NewDisposeScope();
        var saved = ctx.get_saved_variables();
        var (x, y, scale, bias, classes) = (saved[0], saved[1], saved[2], saved[3], saved[4]);
        var chunk = (long)ctx.get_data("chunk");
        var batch = x.shape[0];
        var upstream = grad_output.to_type(x.dtype).Over(batch);
        var dx = zeros_like(x);
        var dy = zeros_like(y);
        var dscale = zeros(System.Array.Empty<long>(), dtype: ScalarType.Float64, device: x.device);
        var dbias = zeros(System.Array.Empty<long>(), dtype: ScalarType.Float64, device: x.device);
        foreach (var (r0, rn, k0, kn) in ChunkedSoftmaxContrastive.Tiles(batch, chunk))
        {
            using var tile = NewDisposeScope();
            var xr = x.narrow(0, r0, rn);
            var yk = y.narrow(0, k0, kn);
            var g = xr.mm(yk.t());
            var z = Signs(classes, r0, rn, k0, kn, g.dtype);
            // d/dℓ [−log σ(zℓ)] = −z·σ(−zℓ)
            var dlogits = (z * (g * scale).Plus(bias)).neg_().sigmoid_().mul_(z).neg_().mul_(upstream);
            dx.narrow(0, r0, rn).add_(dlogits.mm(yk).mul_(scale), Scalars.One);
            dy.narrow(0, k0, kn).add_(dlogits.t().mm(xr).mul_(scale), Scalars.One);
            dscale.add_((dlogits * g).sum(type: ScalarType.Float64), Scalars.One);
            dbias.add_(dlogits.sum(type: ScalarType.Float64), Scalars.One);
        }

        dscale = dscale.to_type(scale.dtype);
        dbias = dbias.to_type(bias.dtype);
        scope.MoveToOuter(dx, dy, dscale, dbias);
        return new List<Tensor> { dx, dy, dscale, dbias, null!, null! };
    }

    /// <summary>[rn, kn] tile of z: +1 for same-class pairs, −1 otherwise.</summary>
    internal static Tensor Signs(Tensor classes, long r0, long rn, long k0, long kn, ScalarType dtype) =>
        ChunkedSoftmaxContrastive.Positives(classes, r0, rn, k0, kn, dtype).mul_(Scalars.Two).sub_(Scalars.One);
}

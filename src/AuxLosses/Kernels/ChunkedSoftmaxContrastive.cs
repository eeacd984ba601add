using System;
using System.Collections.Generic;
using AuxLosses.Internal;
using TorchSharp;
using static TorchSharp.torch;

namespace AuxLosses.Internal;

/// <summary>
/// The symmetric InfoNCE / CLIP loss over S = s·X·Yᵀ evaluated in tiles, as a custom autograd function, so that no
/// B×B tensor exists in forward or backward and only O(B) statistics are kept between them.
/// <code>
/// L = w_r/B · Σ_i [ LSE_j S_ij − Σ_j Q_ij S_ij ]  +  w_c/B · Σ_j [ LSE_i S_ij − Σ_i Q'_ij S_ij ]
/// Q_ij  = (1 − ε)·pos_ij / n_i + ε/B        (row targets: image i → its texts)
/// Q'_ij = (1 − ε)·pos_ij / n_j + ε/B = Q_ij (column targets: pos_ij ≠ 0 only where n_i = n_j)
/// ∂L/∂S_ij = w_r/B·(softmax_row(S)_ij − Q_ij) + w_c/B·(softmax_col(S)_ij − Q_ij)
/// ∂L/∂X = s·(∂L/∂S)·Y,  ∂L/∂Y = s·(∂L/∂S)ᵀ·X,  ∂L/∂s = Σ_ij ∂L/∂S_ij·(X·Yᵀ)_ij
/// </code>
/// pos_ij = [class_i = class_j] and n_i = Σ_j pos_ij; without labels the classes are 0..B−1, so pos is the identity.
/// Row and column log-sum-exps are merged across tiles with logaddexp (a max-shifted, overflow-free merge).
/// </summary>
internal sealed class ChunkedSoftmaxContrastive : autograd.SingleTensorFunction<ChunkedSoftmaxContrastive>
{
    /// <inheritdoc/>
    public override string Name => nameof(ChunkedSoftmaxContrastive);

    /// <summary>The loss for normalised (or raw) features x, y [B, D], scale s (0-d), classes [B] and counts n [B].</summary>
    public static Tensor Loss(Tensor x, Tensor y, Tensor scale, Tensor classes, Tensor counts, long chunk, double smoothing, double rowWeight, double columnWeight) =>
        apply(x, y, scale, classes, counts, chunk, smoothing, rowWeight, columnWeight);

    /// <inheritdoc/>
    public override Tensor forward(autograd.AutogradContext ctx, params object[] vars)
    {
        var (x, y, scale, classes, counts) = ((Tensor)vars[0], (Tensor)vars[1], (Tensor)vars[2], (Tensor)vars[3], (Tensor)vars[4]);
        var (chunk, smoothing, rowWeight, columnWeight) = ((long)vars[5], (double)vars[6], (double)vars[7], (double)vars[8]);
        using var scope = NewDisposeScope();
        var batch = x.shape[0];
        var rowLse = full(batch, Scalars.NegativeInfinity, dtype: x.dtype, device: x.device);
        var columnLse = full(batch, Scalars.NegativeInfinity, dtype: x.dtype, device: x.device);
        // Scalar accumulator in float64: thousands of tile sums would otherwise drift in float32.
        var target = zeros(Array.Empty<long>(), dtype: ScalarType.Float64, device: x.device);

        foreach (var (r0, rn, k0, kn) in Tiles(batch, chunk))
        {
            // Each tile's temporaries die here: without this scope every tile would stay alive until the end.
            using var tile = NewDisposeScope();
            var s = scale * x.narrow(0, r0, rn).mm(y.narrow(0, k0, kn).t());
            var rows = rowLse.narrow(0, r0, rn);
            rows.copy_(rows.logaddexp(s.logsumexp(1)));
            var columns = columnLse.narrow(0, k0, kn);
            columns.copy_(columns.logaddexp(s.logsumexp(0)));

            target.add_(Targets(classes, counts, r0, rn, k0, kn, smoothing, batch, s.dtype).mul_(s).sum(type: ScalarType.Float64), Scalars.One);
        }

        var rowTerm = (rowLse.sum(type: ScalarType.Float64) - target).Times(rowWeight / batch);
        var columnTerm = (columnLse.sum(type: ScalarType.Float64) - target).Times(columnWeight / batch);
        var loss = rowTerm.Plus(columnTerm).to_type(x.dtype);
        ctx.save_for_backward(new List<Tensor> { x, y, scale, classes, counts, rowLse, columnLse });
        ctx.save_data("chunk", chunk);
        ctx.save_data("smoothing", smoothing);
        ctx.save_data("rowWeight", rowWeight);
        ctx.save_data("columnWeight", columnWeight);

        // The saved statistics must outlive this scope: apply() registers them only after forward returns.
        scope.MoveToOuter(rowLse, columnLse);
        return scope.MoveToOuter(loss);
    }

    /// <inheritdoc/>
    public override List<Tensor> backward(autograd.AutogradContext ctx, Tensor grad_output)
    {
        using var scope = NewDisposeScope();
        var saved = ctx.get_saved_variables();
        var (x, y, scale, classes, counts, rowLse, columnLse) = (saved[0], saved[1], saved[2], saved[3], saved[4], saved[5], saved[6]);
        var chunk = (long)ctx.get_data("chunk");
        var smoothing = (double)ctx.get_data("smoothing");
        var rowWeight = (double)ctx.get_data("rowWeight");
        var columnWeight = (double)ctx.get_data("columnWeight");
        var batch = x.shape[0];
        var upstream = grad_output.to_type(x.dtype);
        var dx = zeros_like(x);
        var dy = zeros_like(y);
        var dscale = zeros(Array.Empty<long>(), dtype: ScalarType.Float64, device: x.device);

        using var rowScale = (rowWeight / batch).ToScalar();
        using var columnScale = (columnWeight / batch).ToScalar();
        foreach (var (r0, rn, k0, kn) in Tiles(batch, chunk))
        {
            using var tile = NewDisposeScope();
            var xr = x.narrow(0, r0, rn);
            var yk = y.narrow(0, k0, kn);
            var g = xr.mm(yk.t());
            var s = scale * g;
            var targets = Targets(classes, counts, r0, rn, k0, kn, smoothing, batch, s.dtype);
            var rowGrad = (s - rowLse.narrow(0, r0, rn).unsqueeze(1)).exp_().sub_(targets);
            var columnGrad = (s - columnLse.narrow(0, k0, kn).unsqueeze(0)).exp_().sub_(targets);
            var ds = rowGrad.mul_(rowScale).add_(columnGrad.mul_(columnScale), Scalars.One).mul_(upstream);
            dx.narrow(0, r0, rn).add_(ds.mm(yk).mul_(scale), Scalars.One);
            dy.narrow(0, k0, kn).add_(ds.t().mm(xr).mul_(scale), Scalars.One);
            dscale.add_((ds * g).sum(type: ScalarType.Float64), Scalars.One);
        }

        dscale = dscale.to_type(scale.dtype);
        scope.MoveToOuter(dx, dy, dscale);
        return new List<Tensor> { dx, dy, dscale, null!, null!, null!, null!, null!, null! };
    }

    /// <summary>[rn, kn] tile of Q = (1 − ε)·pos/n + ε/B (symmetric, so it serves rows and columns alike).</summary>
    private static Tensor Targets(Tensor classes, Tensor counts, long r0, long rn, long k0, long kn, double smoothing, long batch, ScalarType dtype)
    {
        using var keep = (1 - smoothing).ToScalar();
        using var uniform = (smoothing / batch).ToScalar();
        return Positives(classes, r0, rn, k0, kn, dtype).div_(counts.narrow(0, r0, rn).unsqueeze(1)).mul_(keep).add_(uniform, Scalars.One);
    }

    /// <summary>[rn, kn] float mask of same-class pairs between rows r0.. and columns k0...</summary>
    internal static Tensor Positives(Tensor classes, long r0, long rn, long k0, long kn, ScalarType dtype) =>
        classes.narrow(0, r0, rn).unsqueeze(1).eq(classes.narrow(0, k0, kn).unsqueeze(0)).to_type(dtype);

    /// <summary>Row-block × column-block tiles (start, length) covering a B×B matrix; the last blocks may be ragged.</summary>
    internal static IEnumerable<(long R0, long Rn, long K0, long Kn)> Tiles(long batch, long chunk)
    {
        for (long r0 = 0; r0 < batch; r0 += chunk)
        {
            for (long k0 = 0; k0 < batch; k0 += chunk)
            {
                yield return (r0, Math.Min(chunk, batch - r0), k0, Math.Min(chunk, batch - k0));
            }
        }
    }
}

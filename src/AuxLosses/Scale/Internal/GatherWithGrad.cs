using System;
using System.Collections.Generic;
using System.Linq;
using TorchSharp;
using static TorchSharp.torch;

namespace AuxLosses.Internal;

/// <summary>
/// All-gather whose backward sends each rank's gradient with respect to the gathered tensor back to the owners and
/// sums it there (reduce-scatter), as <c>torch.distributed.nn.functional.all_gather</c> does for open_clip's
/// <c>gather_with_grad</c>. Without that backward step a local loss would miss ∂L_other/∂x_local — the terms where
/// this rank's features are candidates of other ranks' anchors — and no rescaling can recover them.
/// <code>
/// forward:  G = [x_0; …; x_{N−1}]              (this rank's slice is x_r itself)
/// backward: ∂/∂x_r = Σ_{r'} (∂L_{r'}/∂G)[rows of r]
/// </code>
/// </summary>
internal sealed class GatherWithGrad : autograd.SingleTensorFunction<GatherWithGrad>
{
    /// <inheritdoc/>
    public override string Name => nameof(GatherWithGrad);

    /// <summary>The checked concatenation over ranks of <paramref name="local"/>, differentiable with respect to it.</summary>
    public static Tensor Gather(IFeatureGatherer gatherer, string name, Tensor local, string what)
    {
        using var scope = NewDisposeScope();
        var gathered = ScaleGuard.AllGather(gatherer, name, local, what);
        return scope.MoveToOuter(apply(local, gathered, gatherer, name));
    }

    /// <inheritdoc/>
    public override Tensor forward(autograd.AutogradContext ctx, params object[] vars)
    {
        var local = (Tensor)vars[0];
        ctx.save_data("gatherer", vars[2]);
        ctx.save_data("name", vars[3]);
        ctx.save_data("shape", local.shape);
        return ((Tensor)vars[1]).clone();
    }

    /// <inheritdoc/>
    public override List<Tensor> backward(autograd.AutogradContext ctx, Tensor grad_output)
    {
        var gatherer = (IFeatureGatherer)ctx.get_data("gatherer");
        var name = (string)ctx.get_data("name");
        var shape = (long[])ctx.get_data("shape");
        using var scope = NewDisposeScope();
        var grad = gatherer.ReduceScatter(grad_output.contiguous());
        if (grad is null || grad.IsInvalid || !grad.shape.SequenceEqual(shape))
        {
            throw new InvalidOperationException($"{name}.{nameof(IFeatureGatherer.ReduceScatter)} must return this rank's slice, shape [{string.Join(", ", shape)}], but it returned {(grad is null || grad.IsInvalid ? "no tensor" : TensorGuard.Shape(grad))}.");
        }

        scope.MoveToOuter(grad);
        return new List<Tensor> { grad, null!, null!, null! };
    }
}

using TorchSharp;
using static TorchSharp.torch;

namespace AuxLosses.Internal;

/// <summary>
/// Creates module state that outlives any dispose scope the caller happens to have open: a loss constructed
/// inside <c>torch.NewDisposeScope()</c> must not lose its learnable temperature when that scope ends.
/// </summary>
internal static class Detached
{
    /// <summary>A trainable parameter holding <paramref name="value"/>, detached from every dispose scope.</summary>
    public static TorchSharp.Modules.Parameter Parameter(Tensor value, bool requiresGrad = true)
    {
        var parameter = new TorchSharp.Modules.Parameter(value, requiresGrad);
        parameter.DetachFromDisposeScope();
        return parameter;
    }

    /// <summary>A buffer tensor detached from every dispose scope.</summary>
    public static Tensor Buffer(Tensor value) => value.DetachFromDisposeScope();
}

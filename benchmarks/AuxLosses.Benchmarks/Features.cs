using static TorchSharp.torch;

namespace AuxLosses.Benchmarks;

/// <summary>Benchmark inputs: leaf feature matrices that require grad, and class labels.</summary>
internal static class Features
{
    /// <summary>A [B, D] float32 leaf tensor with requires_grad, detached from any dispose scope.</summary>
    public static Tensor Leaf(long batch, long dim) => randn(batch, dim).requires_grad_(true).DetachFromDisposeScope();

    /// <summary>[B] int64 labels in [0, classes).</summary>
    public static Tensor Labels(long batch, long classes) => randint(0, classes, [batch]).DetachFromDisposeScope();

    /// <summary>Runs backward on <paramref name="loss"/> and returns its value (finite-checked by the smoke run).</summary>
    public static double Backward(Tensor loss)
    {
        loss.backward();
        return loss.item<float>();
    }
}

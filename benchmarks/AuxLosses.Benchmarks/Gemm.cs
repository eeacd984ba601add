using static TorchSharp.torch;

namespace AuxLosses.Benchmarks;

/// <summary>
/// The matrix products no B×B contrastive loss can avoid: forward S = X·Yᵀ and backward dX = dS·Y, dY = dSᵀ·X,
/// three B×B×D GEMMs. S stands in for dS (same shape; the values do not change a GEMM's cost).
/// </summary>
internal static class Gemm
{
    public static double Floor(Tensor x, Tensor y)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var s = x.mm(y.t());
        var dx = s.mm(y);
        var dy = s.t().mm(x);
        return dx[0, 0].item<float>() + dy[0, 0].item<float>();
    }
}

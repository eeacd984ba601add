using System.Linq;
using static TorchSharp.torch;

namespace AuxLosses.Models.Tests.Loading;

internal static class BitExact
{
    /// <summary>Same dtype, shape and elements (all elements equal), disposing the comparison's own tensor.</summary>
    public static bool Same(Tensor a, Tensor b)
    {
        if (a.dtype != b.dtype || !a.shape.SequenceEqual(b.shape))
        {
            return false;
        }

        // TorchSharp's equal is elementwise (eq), unlike torch.equal.
        using var equal = a.eq(b);
        using var all = equal.all();
        return all.item<bool>();
    }
}

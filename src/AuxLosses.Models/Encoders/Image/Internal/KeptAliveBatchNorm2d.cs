using AuxLosses.Internal;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace AuxLosses.Models.Internal;

/// <summary>
/// <c>torch.nn.BatchNorm2d</c> (momentum 0.1, ε 1e-5, affine, tracked running statistics) with the same state-dict
/// keys (<c>weight</c>, <c>bias</c>, <c>running_mean</c>, <c>running_var</c>, <c>num_batches_tracked</c>).
/// </summary>
/// <remarks>
/// It exists because TorchSharp's own BatchNorm2d counts batches with <c>num_batches_tracked.add_(1)</c>, a temporary
/// <see cref="Scalar"/> the finalizer can free during the native call (see <see cref="Scalars"/>); here the count uses
/// a cached scalar and the normalisation is the native <c>batch_norm</c>, which takes plain doubles.
/// </remarks>
internal sealed class KeptAliveBatchNorm2d : nn.Module<Tensor, Tensor>
{
    private const double Momentum = 0.1;
    private const double Epsilon = 1e-5;

    public KeptAliveBatchNorm2d(long channels, Device? device = null) : base(nameof(BatchNorm2d))
    {
        register_parameter("weight", new Parameter(ones(channels, device: device)));
        register_parameter("bias", new Parameter(zeros(channels, device: device)));
        register_buffer("running_mean", zeros(channels, device: device));
        register_buffer("running_var", ones(channels, device: device));
        register_buffer("num_batches_tracked", zeros(System.Array.Empty<long>(), ScalarType.Int64, device: device));
    }

    /// <summary>γ, one per channel.</summary>
    public Parameter weight => get_parameter("weight")!;

    /// <summary>β, one per channel.</summary>
    public Parameter bias => get_parameter("bias")!;

    /// <param name="input">[N, C, H, W].</param>
    public override Tensor forward(Tensor input)
    {
        var runningMean = get_buffer("running_mean")!;
        var runningVar = get_buffer("running_var")!;
        if (training)
        {
            using var noGrad = no_grad();
            get_buffer("num_batches_tracked")!.add_(Scalars.One, Scalars.One);
        }

        return nn.functional.batch_norm(input, runningMean, runningVar, weight, bias, training, Momentum, Epsilon);
    }
}

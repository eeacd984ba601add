using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace AuxLosses.Models.Internal;

/// <summary>HF <c>ViTPatchEmbeddings</c>: a P×P, stride-P convolution, flattened to [N, T, C] in row-major patch order.</summary>
internal sealed class VitPatchEmbeddings : nn.Module<Tensor, Tensor>
{
    private readonly Conv2d projection;

    public VitPatchEmbeddings(VitConfig config)
        : base(nameof(VitPatchEmbeddings))
    {
        projection = nn.Conv2d(config.NumChannels, config.HiddenSize, kernel_size: config.PatchSize, stride: config.PatchSize);
        RegisterComponents();
    }

    public override Tensor forward(Tensor pixels)
    {
        using var scope = NewDisposeScope();
        return scope.MoveToOuter(projection.forward(pixels).flatten(2).transpose(1, 2));
    }
}

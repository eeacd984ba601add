using AuxLosses.Internal;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace AuxLosses.Models.Internal;

/// <summary>torchvision's <c>BasicBlock</c>: relu(bn2(conv2(relu(bn1(conv1(x))))) + downsample(x)), stride on conv1.</summary>
internal sealed class ResNetBasicBlock : nn.Module<Tensor, Tensor>
{
    private readonly Conv2d conv1;
    private readonly KeptAliveBatchNorm2d bn1;
    private readonly Conv2d conv2;
    private readonly KeptAliveBatchNorm2d bn2;
    private readonly Sequential? downsample;

    public ResNetBasicBlock(long inPlanes, long planes, long stride, Sequential? downsample, Device? device)
        : base(nameof(ResNetBasicBlock))
    {
        conv1 = nn.Conv2d(inPlanes, planes, kernel_size: 3, stride: stride, padding: 1, bias: false, device: device);
        bn1 = new KeptAliveBatchNorm2d(planes, device: device);
        conv2 = nn.Conv2d(planes, planes, kernel_size: 3, stride: 1, padding: 1, bias: false, device: device);
        bn2 = new KeptAliveBatchNorm2d(planes, device: device);
        this.downsample = downsample;
        RegisterComponents();
    }

    /// <summary>The norm closing the residual branch (zeroed by <c>zero_init_residual</c>).</summary>
    public KeptAliveBatchNorm2d LastNorm => bn2;

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var identity = downsample is null ? x : downsample.forward(x);
        var y = nn.functional.relu(bn1.forward(conv1.forward(x)));
        y = bn2.forward(conv2.forward(y));
        return scope.MoveToOuter(nn.functional.relu(y.add_(identity, Scalars.One)));
    }
}

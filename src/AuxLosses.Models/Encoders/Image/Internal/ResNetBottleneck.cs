using AuxLosses.Internal;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace AuxLosses.Models.Internal;

/// <summary>
/// torchvision's <c>Bottleneck</c> ("ResNet v1.5"): 1×1 reduce → 3×3 (grouped for ResNeXt) with the stride → 1×1
/// expand (×4), plus the shortcut. The original paper strided the first 1×1; striding the 3×3 is what torchvision and timm ship.
/// </summary>
internal sealed class ResNetBottleneck : nn.Module<Tensor, Tensor>
{
    public const long Expansion = 4;

    private readonly Conv2d conv1;
    private readonly KeptAliveBatchNorm2d bn1;
    private readonly Conv2d conv2;
    private readonly KeptAliveBatchNorm2d bn2;
    private readonly Conv2d conv3;
    private readonly KeptAliveBatchNorm2d bn3;
    private readonly Sequential? downsample;

    public ResNetBottleneck(long inPlanes, long planes, long stride, Sequential? downsample, long groups, long widthPerGroup, Device? device)
        : base(nameof(ResNetBottleneck))
    {
        var width = InnerWidth(planes, groups, widthPerGroup);
        conv1 = nn.Conv2d(inPlanes, width, kernel_size: 1, bias: false, device: device);
        bn1 = new KeptAliveBatchNorm2d(width, device: device);
        conv2 = nn.Conv2d(width, width, kernel_size: 3, stride: stride, padding: 1, groups: groups, bias: false, device: device);
        bn2 = new KeptAliveBatchNorm2d(width, device: device);
        conv3 = nn.Conv2d(width, planes * Expansion, kernel_size: 1, bias: false, device: device);
        bn3 = new KeptAliveBatchNorm2d(planes * Expansion, device: device);
        this.downsample = downsample;
        RegisterComponents();
    }

    /// <summary>torchvision: <c>int(planes * (base_width / 64.0)) * groups</c>.</summary>
    public static long InnerWidth(long planes, long groups, long widthPerGroup) => planes * widthPerGroup / 64 * groups;

    /// <summary>The norm closing the residual branch (zeroed by <c>zero_init_residual</c>).</summary>
    public KeptAliveBatchNorm2d LastNorm => bn3;

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var identity = downsample is null ? x : downsample.forward(x);
        var y = nn.functional.relu(bn1.forward(conv1.forward(x)));
        y = nn.functional.relu(bn2.forward(conv2.forward(y)));
        y = bn3.forward(conv3.forward(y));
        return scope.MoveToOuter(nn.functional.relu(y.add_(identity, Scalars.One)));
    }
}

namespace AuxLosses.Models;

/// <summary>The residual block a <see cref="ResNet"/> stacks (He et al., 2016, table 1).</summary>
public enum ResNetBlockType
{
    /// <summary>Two 3×3 convolutions, expansion 1 (ResNet-18/34).</summary>
    Basic,

    /// <summary>1×1 → 3×3 → 1×1 convolutions, expansion 4, stride on the 3×3 as in torchvision's "ResNet v1.5" (ResNet-50/101/152).</summary>
    Bottleneck,
}

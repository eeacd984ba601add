using System.Collections.Generic;
using static TorchSharp.torch;

namespace AuxLosses.Models;

/// <summary>
/// Options of a <see cref="ResNet"/>. The defaults reproduce torchvision's <c>resnet18</c>…<c>resnet152</c>
/// (ImageNet head with 1000 classes, stem 64, stage widths 64/128/256/512, trainable batch norm).
/// </summary>
public sealed class ResNetOptions
{
    /// <summary>Size of the <c>fc</c> classification head; 0 drops it (torchvision's <c>fc = Identity()</c>, timm's <c>num_classes=0</c>). Default 1000.</summary>
    public long NumClasses { get; init; } = 1000;

    /// <summary>Input channels of <c>conv1</c>. Default 3 (RGB).</summary>
    public long InChannels { get; init; } = 3;

    /// <summary>Output channels of the 7×7 stem convolution (torchvision's fixed <c>inplanes = 64</c>). Default 64.</summary>
    public long StemWidth { get; init; } = 64;

    /// <summary>
    /// The four stages' base widths ("planes"); a stage outputs width × expansion channels. Default 64, 128, 256, 512.
    /// Narrower widths give small models for tests and experiments with the same key names.
    /// </summary>
    public IReadOnlyList<long> Widths { get; init; } = [64, 128, 256, 512];

    /// <summary>
    /// Groups of every bottleneck's 3×3 convolution (ResNeXt's cardinality; torchvision's <c>groups</c>). Default 1.
    /// Basic blocks require 1.
    /// </summary>
    public long Groups { get; init; } = 1;

    /// <summary>
    /// Channels per group of the bottleneck 3×3 convolution at the 64-wide stage (torchvision's <c>width_per_group</c>):
    /// a stage of width <c>planes</c> has inner width ⌊planes · WidthPerGroup / 64⌋ · Groups. Default 64;
    /// <c>resnext50_32x4d</c> uses Groups 32 and 4, <c>wide_resnet50_2</c> uses 128. Basic blocks require 64.
    /// </summary>
    public long WidthPerGroup { get; init; } = 64;

    /// <summary>
    /// Zero-initialise the last batch norm's weight of every residual branch, so each block starts as the identity
    /// (Goyal et al., 2017; torchvision's <c>zero_init_residual</c>). Default false.
    /// </summary>
    public bool ZeroInitResidual { get; init; }

    /// <summary>
    /// Freeze every batch norm: it always normalises with its running statistics (eval mode, even after
    /// <c>train()</c>), never updates them, and its weight and bias do not require gradients — the usual setting
    /// when fine-tuning a pretrained backbone with small batches. Default false.
    /// </summary>
    public bool FrozenBatchNorm { get; init; }

    /// <summary>
    /// The device parameters and buffers are created on (e.g. <c>torch.CUDA</c>, or <c>torch.META</c> to inspect
    /// shapes of a large model without allocating it). Default null: TorchSharp's default device (CPU).
    /// </summary>
    public Device? Device { get; init; }
}

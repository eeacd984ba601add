using static TorchSharp.torch;

namespace AuxLosses.Models;

/// <summary>What an <see cref="IImageEncoder"/> returns.</summary>
/// <param name="Pooled">One vector per image, [N, C] (ResNet: global average pool; ViT: the final CLS state).</param>
/// <param name="Tokens">
/// Region or patch tokens, [N, T, C]: ResNet's last feature map flattened row-major (T = h·w), ViT's patch states
/// without the CLS token. Attention-style fusion heads attend over these.
/// </param>
/// <param name="FeatureMap">The last convolutional feature map [N, C, h, w] for CNNs; null for transformers.</param>
public sealed record ImageEncoderOutput(Tensor Pooled, Tensor Tokens, Tensor? FeatureMap);

using static TorchSharp.torch;

namespace AuxLosses.Models;

/// <summary>
/// An image encoder the fusion models and classifiers can wrap (ResNet, ViT, or your own module).
/// </summary>
public interface IImageEncoder
{
    /// <summary>Width C of the pooled vector and of each region/patch token.</summary>
    long OutputSize { get; }

    /// <summary>Encodes a batch of preprocessed images [N, 3, H, W], float.</summary>
    /// <returns>The features; its tensors belong to the caller's dispose scope like any forward output.</returns>
    ImageEncoderOutput Encode(Tensor pixels);
}

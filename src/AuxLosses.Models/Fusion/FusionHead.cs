using System;
using AuxLosses.Models.Internal;
using TorchSharp;
using static TorchSharp.torch;

namespace AuxLosses.Models;

/// <summary>
/// Base of the late-fusion heads: maps <see cref="FusionFeatures"/> (text and image vectors, optional tokens) to one
/// fused vector per post, [N, <see cref="OutputSize"/>].
/// </summary>
public abstract class FusionHead : nn.Module<FusionFeatures, Tensor>
{
    /// <summary>Initializes the sizes.</summary>
    /// <param name="name">Module name.</param>
    /// <param name="textSize">H_t, width of the text vectors and tokens.</param>
    /// <param name="imageSize">H_v, width of the image vectors and tokens.</param>
    /// <exception cref="ArgumentOutOfRangeException">A size is not positive.</exception>
    protected FusionHead(string name, long textSize, long imageSize)
        : base(name)
    {
        TextSize = ModelGuard.Positive(textSize, nameof(textSize));
        ImageSize = ModelGuard.Positive(imageSize, nameof(imageSize));
    }

    /// <summary>H_t, width of the text inputs.</summary>
    public long TextSize { get; }

    /// <summary>H_v, width of the image inputs.</summary>
    public long ImageSize { get; }

    /// <summary>F, width of the fused output.</summary>
    public abstract long OutputSize { get; }

    /// <summary>Whether <see cref="FusionFeatures.ImageTokens"/> must be present.</summary>
    public virtual bool RequiresImageTokens => false;

    /// <summary>Checks ranks, widths, row counts, dtypes and devices of <paramref name="features"/>.</summary>
    /// <param name="features">The input to validate.</param>
    /// <exception cref="ArgumentException">A tensor has the wrong shape, dtype or device; the message names it.</exception>
    protected void Validate(FusionFeatures features)
    {
        ArgumentNullException.ThrowIfNull(features);
        var text = features.TextPooled;
        ModelGuard.Floating(text, nameof(features.TextPooled), 2);
        ModelGuard.Size(text, nameof(features.TextPooled), 1, TextSize, "the head's text size");
        var image = features.ImagePooled;
        ModelGuard.Floating(image, nameof(features.ImagePooled), 2);
        ModelGuard.Size(image, nameof(features.ImagePooled), 1, ImageSize, "the head's image size");
        ModelGuard.Rows(image, nameof(features.ImagePooled), text.shape[0], nameof(features.TextPooled));
        ModelGuard.SameDevice(image, nameof(features.ImagePooled), text, nameof(features.TextPooled));
        if (image.dtype != text.dtype)
        {
            throw new ArgumentException($"{nameof(features.ImagePooled)} must have {nameof(features.TextPooled)}'s dtype {text.dtype}, but it is {image.dtype}.", nameof(features));
        }

        if (features.ImageTokens is { } tokens)
        {
            ModelGuard.Floating(tokens, nameof(features.ImageTokens), 3);
            ModelGuard.Size(tokens, nameof(features.ImageTokens), 2, ImageSize, "the head's image size");
            ModelGuard.Rows(tokens, nameof(features.ImageTokens), text.shape[0], nameof(features.TextPooled));
            ModelGuard.SameDevice(tokens, nameof(features.ImageTokens), text, nameof(features.TextPooled));
        }
        else if (RequiresImageTokens)
        {
            throw new ArgumentException($"{GetName()} attends over image tokens: {nameof(features.ImageTokens)} [N, T, {ImageSize}] is required but null.", nameof(features));
        }
    }
}

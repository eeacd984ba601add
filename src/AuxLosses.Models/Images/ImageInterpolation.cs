namespace AuxLosses.Models;

/// <summary>
/// Resampling filters of <see cref="ImagePreprocessor"/>, each reproducing Pillow's filter of the same name
/// (<c>PIL.Image.Resampling</c>, as used by <c>torchvision.transforms.Resize</c> on a PIL image). Pillow widens the
/// filter by the scale factor when downscaling, which is the "antialias" of torchvision's PIL path.
/// </summary>
public enum ImageInterpolation
{
    /// <summary>Triangle filter, support 1 (torchvision's default, <c>InterpolationMode.BILINEAR</c>).</summary>
    Bilinear = 0,

    /// <summary>Cubic convolution with a = −0.5, support 2 (<c>InterpolationMode.BICUBIC</c>).</summary>
    Bicubic,

    /// <summary>Lanczos-3 windowed sinc, support 3 (<c>InterpolationMode.LANCZOS</c>).</summary>
    Lanczos,

    /// <summary>Box filter, support 0.5 (<c>InterpolationMode.BOX</c>).</summary>
    Box,

    /// <summary>Hamming-windowed sinc, support 1 (<c>InterpolationMode.HAMMING</c>).</summary>
    Hamming,
}

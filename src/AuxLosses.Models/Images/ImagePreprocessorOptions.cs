using System.Collections.Generic;

namespace AuxLosses.Models;

/// <summary>
/// Settings of <see cref="ImagePreprocessor"/>. The defaults reproduce the evaluation transform of both seed
/// repositories for ResNet encoders (SPP-SCL's <c>Dataloader.py</c>; the AuxLosses paper's <c>get_image_transforms</c>
/// up to its statistics): <c>Resize(256)</c> (bilinear, PIL), <c>CenterCrop(224)</c>, <c>ToTensor()</c>,
/// <c>Normalize(ImageNet mean, ImageNet std)</c>. Validated when the preprocessor is constructed.
/// </summary>
public sealed class ImagePreprocessorOptions
{
    /// <summary>ImageNet channel means (R, G, B) used by torchvision's pretrained models and by SPP-SCL.</summary>
    public static IReadOnlyList<double> ImageNetMean { get; } = [0.485, 0.456, 0.406];

    /// <summary>ImageNet channel standard deviations (R, G, B).</summary>
    public static IReadOnlyList<double> ImageNetStd { get; } = [0.229, 0.224, 0.225];

    /// <summary>
    /// Channel means of the AuxLosses paper's CNN pipeline (<c>models/utils.py</c>, <c>get_image_transforms</c>
    /// in danaesavi/SocialMedia-TextImage-Classification-AuxLosses), computed on its own data.
    /// </summary>
    public static IReadOnlyList<double> AuxLossesPaperMean { get; } = [0.46777044, 0.44531429, 0.40661017];

    /// <summary>Channel standard deviations of the AuxLosses paper's CNN pipeline (see <see cref="AuxLossesPaperMean"/>).</summary>
    public static IReadOnlyList<double> AuxLossesPaperStd { get; } = [0.12221994, 0.12145835, 0.14380469];

    /// <summary>
    /// Target length of the shorter side (torchvision <c>Resize(int)</c>): the short side becomes this and the long
    /// side <c>(int)(value · long / short)</c>, truncated as torchvision does. Default 256; null skips resizing.
    /// </summary>
    public int? ResizeShorter { get; init; } = 256;

    /// <summary>
    /// Side of the square centre crop (torchvision <c>CenterCrop(int)</c>; offsets <c>round((h − size)/2)</c> with
    /// round-half-to-even, zero padding where the image is smaller). Default 224; null keeps the whole image.
    /// </summary>
    public int? CropSize { get; init; } = 224;

    /// <summary>Resampling filter of the resize step. Default <see cref="ImageInterpolation.Bilinear"/>.</summary>
    public ImageInterpolation Interpolation { get; init; } = ImageInterpolation.Bilinear;

    /// <summary>Per-channel (R, G, B) mean subtracted after scaling to [0, 1]. Default <see cref="ImageNetMean"/>.</summary>
    public IReadOnlyList<double> Mean { get; init; } = ImageNetMean;

    /// <summary>Per-channel (R, G, B) standard deviation divided by after the mean. Default <see cref="ImageNetStd"/>.</summary>
    public IReadOnlyList<double> Std { get; init; } = ImageNetStd;

    /// <summary>
    /// Rotate/flip the decoded image upright according to its EXIF orientation. Default true. Plain PIL
    /// (<c>Image.open(...).convert("RGB")</c>, as in the seed repositories) ignores the orientation; set false to
    /// reproduce that exactly for rotated photos.
    /// </summary>
    public bool ApplyExifOrientation { get; init; } = true;

    /// <summary>
    /// Accept a truncated file and use the rows decoded so far (the rest filled by the decoder), like PIL's
    /// <c>ImageFile.LOAD_TRUNCATED_IMAGES = True</c> in SPP-SCL. Default false: a truncated file throws
    /// <see cref="ImageDecodeException"/>.
    /// </summary>
    public bool AllowTruncatedImages { get; init; }

    /// <summary>
    /// Largest accepted width × height, checked before the pixels are decoded (decompression-bomb guard).
    /// Default 178,956,970, Pillow's error threshold (2 × <c>Image.MAX_IMAGE_PIXELS</c>).
    /// </summary>
    public long MaxImagePixels { get; init; } = 178_956_970;

    /// <summary>The defaults: ImageNet statistics, as SPP-SCL and torchvision's pretrained ResNets expect.</summary>
    public static ImagePreprocessorOptions ImageNet() => new();

    /// <summary>The AuxLosses paper's CNN transform: the defaults with <see cref="AuxLossesPaperMean"/> / <see cref="AuxLossesPaperStd"/>.</summary>
    public static ImagePreprocessorOptions AuxLossesPaper() => new() { Mean = AuxLossesPaperMean, Std = AuxLossesPaperStd };
}

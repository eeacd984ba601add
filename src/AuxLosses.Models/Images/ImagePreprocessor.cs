using System;
using System.Collections.Generic;
using System.IO;
using AuxLosses.Models.Internal;
using TorchSharp;
using static TorchSharp.torch;

namespace AuxLosses.Models;

/// <summary>
/// Turns encoded images (JPEG, PNG, WebP, GIF first frame, BMP) into normalized float32 tensors exactly like the seed
/// repositories' torchvision pipeline on PIL images:
/// <code>
/// Image.open(f).convert("RGB")            // decode; alpha dropped, grey replicated, ICC profiles ignored
/// transforms.Resize(256)                  // short side 256, long side int(256·long/short); PIL bilinear with antialias
/// transforms.CenterCrop(224)              // top = int(round((h − 224)/2)), left likewise
/// transforms.ToTensor()                   // uint8 / 255 → float32, CHW
/// transforms.Normalize(mean, std)         // (x − mean) / std per channel, in float32
/// </code>
/// The resize is Pillow's fixed-point separable filter re-implemented bit for bit, so PNG/WebP-lossless inputs give the
/// same tensor as torchvision; JPEG and lossy WebP differ only by the decoders (Skia vs PIL's libjpeg-turbo/libwebp).
/// Unlike plain PIL, the EXIF orientation is applied by default (<see cref="ImagePreprocessorOptions.ApplyExifOrientation"/>).
/// Results live on the CPU and belong to the caller's dispose scope. Instances are immutable and thread-safe.
/// </summary>
/// <remarks>
/// Measured against torchvision 0.14 / Pillow 9.4 (tests/AuxLosses.Models.Tests/Fixtures/generate_images.py): identical
/// bytes after decode, resize (all five filters) and crop, and identical float32 tensors, on PNG (RGB, RGBA, grey,
/// 16-bit), GIF, WebP (lossless and lossy), baseline, progressive and EXIF-rotated JPEGs, and the project's 8 real
/// photos. Known difference: transparent pixels of a GIF decode to black here, while PIL's <c>convert("RGB")</c> shows
/// the palette colour of the transparent index. Alpha of PNG/WebP is dropped as PIL does (stored colour kept, no
/// compositing); ICC profiles are ignored on both sides.
/// </remarks>
public sealed class ImagePreprocessor
{
    private readonly float[] _mean;
    private readonly float[] _std;

    /// <summary>Creates a preprocessor; null options mean the defaults (256 → 224, bilinear, ImageNet statistics).</summary>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range; the parameter name names it.</exception>
    public ImagePreprocessor(ImagePreprocessorOptions? options = null)
    {
        Options = options ?? new ImagePreprocessorOptions();
        var o = Options;
        if (o.ResizeShorter is <= 0)
        {
            throw new ArgumentOutOfRangeException($"{nameof(options)}.{nameof(o.ResizeShorter)}", o.ResizeShorter, "must be positive or null (no resize)");
        }

        if (o.CropSize is <= 0)
        {
            throw new ArgumentOutOfRangeException($"{nameof(options)}.{nameof(o.CropSize)}", o.CropSize, "must be positive or null (no crop)");
        }

        if (!Enum.IsDefined(o.Interpolation))
        {
            throw new ArgumentOutOfRangeException($"{nameof(options)}.{nameof(o.Interpolation)}", o.Interpolation, "unknown interpolation");
        }

        if (o.MaxImagePixels <= 0)
        {
            throw new ArgumentOutOfRangeException($"{nameof(options)}.{nameof(o.MaxImagePixels)}", o.MaxImagePixels, "must be positive");
        }

        _mean = Statistics(o.Mean, $"{nameof(options)}.{nameof(o.Mean)}", positive: false);
        _std = Statistics(o.Std, $"{nameof(options)}.{nameof(o.Std)}", positive: true);
    }

    /// <summary>The options this preprocessor was created with.</summary>
    public ImagePreprocessorOptions Options { get; }

    /// <summary>Decodes and transforms the image file at <paramref name="path"/> into a float32 tensor <c>[3, H, W]</c>.</summary>
    /// <exception cref="FileNotFoundException">No file exists at <paramref name="path"/>.</exception>
    /// <exception cref="ImageDecodeException">The file is empty, truncated, corrupt or not an image; it names the path.</exception>
    public Tensor Preprocess(string path) => Single(ToTensor([Load(path)]));

    /// <summary>
    /// Decodes and transforms the image read from <paramref name="stream"/> (from its current position to its end)
    /// into a float32 tensor <c>[3, H, W]</c>. <paramref name="sourceName"/> names it in error messages.
    /// </summary>
    /// <exception cref="ImageDecodeException">The data is empty, truncated, corrupt or not an image.</exception>
    public Tensor Preprocess(Stream stream, string? sourceName = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return Preprocess(buffer.GetBuffer().AsSpan(0, (int)buffer.Length), sourceName);
    }

    /// <summary>
    /// Decodes and transforms an encoded image held in memory into a float32 tensor <c>[3, H, W]</c>.
    /// <paramref name="sourceName"/> names it in error messages.
    /// </summary>
    /// <exception cref="ImageDecodeException">The data is empty, truncated, corrupt or not an image.</exception>
    public Tensor Preprocess(ReadOnlySpan<byte> encoded, string? sourceName = null)
        => Single(ToTensor([Transform(SkiaImageDecoder.Decode(encoded, sourceName, Options))]));

    /// <summary>
    /// Decodes and transforms image files into one float32 batch <c>[N, 3, H, W]</c> (N = <paramref name="paths"/>.Count).
    /// All images must come out the same size, which a <see cref="ImagePreprocessorOptions.CropSize"/> guarantees.
    /// </summary>
    /// <exception cref="ArgumentException">The list is empty, or the images differ in size after the transform.</exception>
    /// <exception cref="FileNotFoundException">A file is missing.</exception>
    /// <exception cref="ImageDecodeException">A file cannot be decoded; it names the path.</exception>
    public Tensor PreprocessBatch(IReadOnlyList<string> paths)
    {
        ArgumentNullException.ThrowIfNull(paths);
        var images = new RgbImage[paths.Count];
        for (var i = 0; i < images.Length; i++)
        {
            images[i] = Load(paths[i]);
        }

        return ToTensor(images, nameof(paths));
    }

    /// <summary>
    /// Decodes and transforms encoded images held in memory into one float32 batch <c>[N, 3, H, W]</c>; errors name
    /// the image as <c>images[i]</c>.
    /// </summary>
    /// <exception cref="ArgumentException">The list is empty, or the images differ in size after the transform.</exception>
    /// <exception cref="ImageDecodeException">An image cannot be decoded.</exception>
    public Tensor PreprocessBatch(IReadOnlyList<byte[]> images)
    {
        ArgumentNullException.ThrowIfNull(images);
        var decoded = new RgbImage[images.Count];
        for (var i = 0; i < decoded.Length; i++)
        {
            var bytes = images[i] ?? throw new ArgumentNullException(nameof(images), $"images[{i}] is null");
            decoded[i] = Transform(SkiaImageDecoder.Decode(bytes, $"{nameof(images)}[{i}]", Options));
        }

        return ToTensor(decoded, nameof(images));
    }

    /// <summary>Decode (RGB, upright) then resize and crop: the uint8 image torchvision would hand to ToTensor.</summary>
    internal RgbImage Transform(RgbImage decoded)
    {
        var image = decoded;
        if (Options.ResizeShorter is int shorter)
        {
            var (width, height) = ResizedSize(image.Width, image.Height, shorter);
            image = PilResampler.Resize(image, width, height, Options.Interpolation);
        }

        return Options.CropSize is int crop ? CenterCrop.Apply(image, crop) : image;
    }

    /// <summary>torchvision's <c>_compute_resized_output_size</c> for an int size (no max_size).</summary>
    internal static (int Width, int Height) ResizedSize(int width, int height, int shorter)
    {
        var (small, large) = width <= height ? (width, height) : (height, width);
        // Python: int(requested * long / short) — exact integer product, one true division, truncation.
        var newLarge = (int)((double)((long)shorter * large) / small);
        return width <= height ? (shorter, newLarge) : (newLarge, shorter);
    }

    private RgbImage Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"Image file '{path}' was not found.", path);
        }

        return Transform(SkiaImageDecoder.Decode(File.ReadAllBytes(path), path, Options));
    }

    private Tensor ToTensor(RgbImage[] images, string argument = "images")
    {
        if (images.Length == 0)
        {
            throw new ArgumentException("expected at least one image, got 0", argument);
        }

        int w = images[0].Width, h = images[0].Height;
        var plane = h * w;
        var values = new float[checked(images.Length * 3 * plane)];
        for (var n = 0; n < images.Length; n++)
        {
            var image = images[n];
            if (image.Width != w || image.Height != h)
            {
                throw new ArgumentException(
                    $"{argument}[{n}] is {image.Width}×{image.Height} after the transform but {argument}[0] is {w}×{h}; set CropSize to batch images of different sizes",
                    argument);
            }

            var px = image.Pixels;
            var offset = n * 3 * plane;
            for (var c = 0; c < 3; c++)
            {
                float mean = _mean[c], std = _std[c];
                var o = offset + (c * plane);
                for (int i = 0, p = c; i < plane; i++, p += 3)
                {
                    // float32 throughout, in torchvision's order: ToTensor's x / 255, then Normalize's (x − mean) / std.
                    values[o + i] = ((px[p] / 255f) - mean) / std;
                }
            }
        }

        return torch.tensor(values, [images.Length, 3, h, w], dtype: ScalarType.Float32);
    }

    private static float[] Statistics(IReadOnlyList<double>? values, string name, bool positive)
    {
        if (values is null || values.Count != 3)
        {
            throw new ArgumentOutOfRangeException(name, values?.Count, "expected 3 values (R, G, B)");
        }

        var result = new float[3];
        for (var c = 0; c < 3; c++)
        {
            var v = values[c];
            if (!double.IsFinite(v) || (positive && v <= 0))
            {
                throw new ArgumentOutOfRangeException(name, v, positive ? $"channel {c} must be finite and positive" : $"channel {c} must be finite");
            }

            result[c] = (float)v;
        }

        return result;
    }

    // Drops the batch dimension; the [1, 3, H, W] wrapper is disposed so a caller without a dispose scope leaks nothing.
    private static Tensor Single(Tensor batch)
    {
        using (batch)
        {
            return batch.squeeze(0);
        }
    }
}

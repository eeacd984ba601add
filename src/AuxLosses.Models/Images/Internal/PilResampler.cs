using System;

namespace AuxLosses.Models.Internal;

/// <summary>
/// Pillow's separable convolution resize (<c>libImaging/Resample.c</c>, <c>ImagingResample</c>), bit for bit on
/// 8-bit images: per output pixel the filter is centred at <c>(x + 0.5)·scale</c>, widened by <c>scale</c> when
/// downscaling (the antialias), its weights normalized to sum 1 and then quantized to 22-bit fixed point; a horizontal
/// pass (rounded and clipped to 8 bits) runs first over the rows the vertical pass needs, then the vertical pass.
/// </summary>
internal static class PilResampler
{
    // Pillow: PRECISION_BITS = 32 - 8 - 2, leaving headroom for 8-bit values times a sum of coefficients.
    private const int PrecisionBits = 32 - 8 - 2;

    public static RgbImage Resize(RgbImage image, int width, int height, ImageInterpolation interpolation)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        if (width == image.Width && height == image.Height)
        {
            return image; // PIL's Image.resize returns a copy unchanged; the pipeline never mutates it.
        }

        var (filter, support) = Filter(interpolation);
        var horizontal = Coefficients(image.Width, width, filter, support);
        var vertical = Coefficients(image.Height, height, filter, support);

        // Rows of the source that the vertical pass reads.
        var yFirst = vertical.Bounds[0];
        var yLast = vertical.Bounds[(height * 2) - 2] + vertical.Bounds[(height * 2) - 1];

        var source = image;
        if (width != image.Width)
        {
            for (var i = 0; i < height; i++)
            {
                vertical.Bounds[i * 2] -= yFirst;
            }

            source = Horizontal(image, width, yFirst, yLast - yFirst, horizontal);
        }

        return height != image.Height ? Vertical(source, height, vertical) : source;
    }

    private static RgbImage Horizontal(RgbImage input, int width, int yOffset, int rows, Kernel k)
    {
        var output = new RgbImage(width, rows);
        var src = input.Pixels;
        var dst = output.Pixels;
        var inStride = input.Width * 3;
        for (var y = 0; y < rows; y++)
        {
            var row = (y + yOffset) * inStride;
            for (var x = 0; x < width; x++)
            {
                var xMin = k.Bounds[x * 2];
                var count = k.Bounds[(x * 2) + 1];
                var w = x * k.Size;
                int s0 = 1 << (PrecisionBits - 1), s1 = s0, s2 = s0;
                for (var i = 0; i < count; i++)
                {
                    var p = row + ((xMin + i) * 3);
                    var c = k.Weights[w + i];
                    s0 += src[p] * c;
                    s1 += src[p + 1] * c;
                    s2 += src[p + 2] * c;
                }

                var d = ((y * width) + x) * 3;
                dst[d] = Clip8(s0);
                dst[d + 1] = Clip8(s1);
                dst[d + 2] = Clip8(s2);
            }
        }

        return output;
    }

    private static RgbImage Vertical(RgbImage input, int height, Kernel k)
    {
        var width = input.Width;
        var output = new RgbImage(width, height);
        var src = input.Pixels;
        var dst = output.Pixels;
        var stride = width * 3;
        for (var y = 0; y < height; y++)
        {
            var yMin = k.Bounds[y * 2];
            var count = k.Bounds[(y * 2) + 1];
            var w = y * k.Size;
            for (var x = 0; x < width; x++)
            {
                int s0 = 1 << (PrecisionBits - 1), s1 = s0, s2 = s0;
                for (var i = 0; i < count; i++)
                {
                    var p = ((yMin + i) * stride) + (x * 3);
                    var c = k.Weights[w + i];
                    s0 += src[p] * c;
                    s1 += src[p + 1] * c;
                    s2 += src[p + 2] * c;
                }

                var d = (y * stride) + (x * 3);
                dst[d] = Clip8(s0);
                dst[d + 1] = Clip8(s1);
                dst[d + 2] = Clip8(s2);
            }
        }

        return output;
    }

    // Pillow's clip8: arithmetic shift, then clamp (negative lobes of bicubic/lanczos can undershoot).
    private static byte Clip8(int value) => (byte)Math.Clamp(value >> PrecisionBits, 0, 255);

    /// <summary>Pillow's <c>precompute_coeffs</c> followed by <c>normalize_coeffs_8bpc</c>.</summary>
    internal static Kernel Coefficients(int inSize, int outSize, Func<double, double> filter, double filterSupport)
    {
        var scale = (double)inSize / outSize;
        var filterScale = Math.Max(scale, 1.0);
        var support = filterSupport * filterScale;
        var size = ((int)Math.Ceiling(support) * 2) + 1;
        var bounds = new int[outSize * 2];
        var weights = new int[outSize * size];
        var k = new double[size];
        for (var xx = 0; xx < outSize; xx++)
        {
            var center = (xx + 0.5) * scale;
            var ss = 1.0 / filterScale;
            // (int) truncates like C's cast; the clamps make truncation of negatives harmless.
            var xMin = Math.Max((int)(center - support + 0.5), 0);
            var xMax = Math.Min((int)(center + support + 0.5), inSize) - xMin;
            var sum = 0.0;
            for (var x = 0; x < xMax; x++)
            {
                var w = filter((x + xMin - center + 0.5) * ss);
                k[x] = w;
                sum += w;
            }

            for (var x = 0; x < xMax; x++)
            {
                var normalized = sum != 0.0 ? k[x] / sum : k[x];
                weights[(xx * size) + x] = normalized < 0
                    ? (int)(-0.5 + (normalized * (1 << PrecisionBits)))
                    : (int)(0.5 + (normalized * (1 << PrecisionBits)));
            }

            bounds[xx * 2] = xMin;
            bounds[(xx * 2) + 1] = xMax;
        }

        return new Kernel(bounds, weights, size);
    }

    internal static (Func<double, double> Filter, double Support) Filter(ImageInterpolation interpolation) => interpolation switch
    {
        ImageInterpolation.Bilinear => (Triangle, 1.0),
        ImageInterpolation.Bicubic => (Cubic, 2.0),
        ImageInterpolation.Lanczos => (Lanczos3, 3.0),
        ImageInterpolation.Box => (Box, 0.5),
        ImageInterpolation.Hamming => (Hamming, 1.0),
        _ => throw new ArgumentOutOfRangeException(nameof(interpolation), interpolation, "unknown interpolation"),
    };

    private static double Triangle(double x)
    {
        x = Math.Abs(x);
        return x < 1.0 ? 1.0 - x : 0.0;
    }

    private static double Cubic(double x)
    {
        const double a = -0.5;
        x = Math.Abs(x);
        if (x < 1.0)
        {
            return ((((a + 2.0) * x) - (a + 3.0)) * x * x) + 1;
        }

        return x < 2.0 ? ((((x - 5) * x) + 8) * x - 4) * a : 0.0;
    }

    private static double Sinc(double x)
    {
        if (x == 0.0)
        {
            return 1.0;
        }

        x *= Math.PI;
        return Math.Sin(x) / x;
    }

    private static double Lanczos3(double x) => x >= -3.0 && x < 3.0 ? Sinc(x) * Sinc(x / 3) : 0.0;

    private static double Box(double x) => x > -0.5 && x <= 0.5 ? 1.0 : 0.0;

    private static double Hamming(double x)
    {
        x = Math.Abs(x);
        if (x == 0.0)
        {
            return 1.0;
        }

        if (x >= 1.0)
        {
            return 0.0;
        }

        x *= Math.PI;
        // Pillow writes the window with float literals (0.54f, 0.46f); keep their float values.
        return Math.Sin(x) / x * ((double)0.54f + ((double)0.46f * Math.Cos(x)));
    }

    /// <summary>Per output pixel: first source index and count (<see cref="Bounds"/>), and <see cref="Size"/> fixed-point weights.</summary>
    internal sealed record Kernel(int[] Bounds, int[] Weights, int Size);
}

using SkiaSharp;

namespace AuxLosses.Models.Internal;

/// <summary>
/// Turns a decoded image upright from its EXIF orientation, the way <c>PIL.ImageOps.exif_transpose</c> does:
/// 2 mirror, 3 rotate 180°, 4 flip, 5 transpose, 6 rotate 90° clockwise, 7 transverse, 8 rotate 90° counter-clockwise.
/// A pure index permutation, so no pixel value changes.
/// </summary>
internal static class ExifOrientation
{
    public static RgbImage Apply(RgbImage image, SKEncodedOrigin origin)
    {
        if (origin is SKEncodedOrigin.TopLeft || (int)origin < 1 || (int)origin > 8)
        {
            return image;
        }

        int w = image.Width, h = image.Height;
        var swap = origin is SKEncodedOrigin.LeftTop or SKEncodedOrigin.RightTop or SKEncodedOrigin.RightBottom or SKEncodedOrigin.LeftBottom;
        var result = swap ? new RgbImage(h, w) : new RgbImage(w, h);
        var src = image.Pixels;
        var dst = result.Pixels;
        int ow = result.Width, oh = result.Height;
        for (var y = 0; y < oh; y++)
        {
            for (var x = 0; x < ow; x++)
            {
                // Source pixel shown at (x, y) once the image is upright.
                var (sx, sy) = origin switch
                {
                    SKEncodedOrigin.TopRight => (w - 1 - x, y),
                    SKEncodedOrigin.BottomRight => (w - 1 - x, h - 1 - y),
                    SKEncodedOrigin.BottomLeft => (x, h - 1 - y),
                    SKEncodedOrigin.LeftTop => (y, x),
                    SKEncodedOrigin.RightTop => (y, h - 1 - x),
                    SKEncodedOrigin.RightBottom => (w - 1 - y, h - 1 - x),
                    _ => (w - 1 - y, x), // LeftBottom
                };
                var s = ((sy * w) + sx) * 3;
                var d = ((y * ow) + x) * 3;
                dst[d] = src[s];
                dst[d + 1] = src[s + 1];
                dst[d + 2] = src[s + 2];
            }
        }

        return result;
    }
}

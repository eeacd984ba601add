using System;

namespace AuxLosses.Models.Internal;

/// <summary>
/// torchvision's <c>CenterCrop</c> on a PIL image: where the image is smaller than the crop it is first zero-padded
/// (left/top by <c>(crop − size) // 2</c>, right/bottom by <c>(crop − size + 1) // 2</c>), then the window starts at
/// <c>int(round((size − crop) / 2.0))</c> with Python's round-half-to-even.
/// </summary>
internal static class CenterCrop
{
    public static RgbImage Apply(RgbImage image, int size)
    {
        int w = image.Width, h = image.Height;
        if (w == size && h == size)
        {
            return image;
        }

        var (left, padLeft) = Offset(w, size);
        var (top, padTop) = Offset(h, size);
        var result = new RgbImage(size, size); // zero-filled: the padding
        var src = image.Pixels;
        var dst = result.Pixels;
        for (var y = 0; y < size; y++)
        {
            var sy = y + top - padTop;
            if (sy < 0 || sy >= h)
            {
                continue;
            }

            // Columns of this output row that fall inside the source.
            var x0 = Math.Max(0, padLeft - left);
            var x1 = Math.Min(size, w + padLeft - left);
            if (x1 > x0)
            {
                Array.Copy(src, ((sy * w) + x0 + left - padLeft) * 3, dst, ((y * size) + x0) * 3, (x1 - x0) * 3);
            }
        }

        return result;
    }

    /// <summary>Crop start in padded coordinates, and the padding before the image.</summary>
    private static (int Start, int Pad) Offset(int length, int crop)
    {
        var pad = crop > length ? (crop - length) / 2 : 0;
        var padded = crop > length ? length + pad + ((crop - length + 1) / 2) : length;
        var start = (int)Math.Round((padded - crop) / 2.0, MidpointRounding.ToEven);
        return (start, pad);
    }
}

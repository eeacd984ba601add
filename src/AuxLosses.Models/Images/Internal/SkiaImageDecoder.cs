using System;
using System.Runtime.InteropServices;
using SkiaSharp;

namespace AuxLosses.Models.Internal;

/// <summary>
/// Decodes JPEG, PNG, WebP, GIF (first frame) and BMP bytes with Skia into 8-bit RGB, matching PIL's
/// <c>Image.open(...).convert("RGB")</c>: no colour management (ICC profiles are ignored, as PIL does), alpha dropped
/// from unpremultiplied pixels (the stored colour survives even where alpha is 0), grey replicated to R = G = B,
/// 16-bit samples truncated to their high byte. Unlike PIL, a GIF's transparent index decodes to black (Skia does not
/// expose the palette colour behind it).
/// Every failure becomes an <see cref="ImageDecodeException"/> naming the source; native code only ever sees a
/// buffer of the size Skia asked for.
/// </summary>
internal static class SkiaImageDecoder
{
    public static RgbImage Decode(ReadOnlySpan<byte> encoded, string? name, ImagePreprocessorOptions options)
    {
        var label = name is null ? "the image buffer" : $"'{name}'";
        if (encoded.IsEmpty)
        {
            throw new ImageDecodeException($"Cannot decode {label}: it is empty (0 bytes).", name);
        }

        using var data = SKData.CreateCopy(encoded);
        using var codec = SKCodec.Create(data)
            ?? throw new ImageDecodeException(
                $"Cannot decode {label} ({encoded.Length} bytes): not a JPEG, PNG, WebP, GIF or BMP image, or its header is corrupt.", name);

        var info = codec.Info;
        if (info.Width <= 0 || info.Height <= 0)
        {
            throw new ImageDecodeException($"Cannot decode {label}: its size is {info.Width}×{info.Height}.", name);
        }

        if ((long)info.Width * info.Height > options.MaxImagePixels)
        {
            throw new ImageDecodeException(
                $"Cannot decode {label}: {info.Width}×{info.Height} = {(long)info.Width * info.Height} pixels exceeds MaxImagePixels = {options.MaxImagePixels}.", name);
        }

        // Unpremultiplied RGBA without a colour space: Skia then neither premultiplies nor converts colours.
        var target = new SKImageInfo(info.Width, info.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        var rgba = new byte[checked(info.Width * info.Height * 4)];
        SKCodecResult result;
        var pin = GCHandle.Alloc(rgba, GCHandleType.Pinned);
        try
        {
            result = codec.GetPixels(target, pin.AddrOfPinnedObject(), target.RowBytes, new SKCodecOptions(0));
        }
        finally
        {
            pin.Free();
        }

        var partial = result is SKCodecResult.IncompleteInput or SKCodecResult.ErrorInInput;
        if (result != SKCodecResult.Success && !(partial && options.AllowTruncatedImages))
        {
            var why = partial ? "the file is truncated or its data is corrupt" : $"the decoder reported {result}";
            throw new ImageDecodeException($"Cannot decode {label} ({codec.EncodedFormat}, {info.Width}×{info.Height}): {why}.", name);
        }

        var image = new RgbImage(info.Width, info.Height);
        var rgb = image.Pixels;
        for (int s = 0, d = 0; d < rgb.Length; s += 4, d += 3)
        {
            rgb[d] = rgba[s];
            rgb[d + 1] = rgba[s + 1];
            rgb[d + 2] = rgba[s + 2];
        }

        return options.ApplyExifOrientation ? ExifOrientation.Apply(image, codec.EncodedOrigin) : image;
    }
}

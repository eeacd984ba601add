using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Text.Json;
using AuxLosses.Models.Internal;

namespace AuxLosses.Models.Tests.Images;

/// <summary>One case of Fixtures/images_parity.json, written by Fixtures/generate_images.py from torchvision 0.14 / Pillow 9.4.</summary>
internal sealed record ImageCase(
    string Name,
    string File,
    bool Lossy,
    ImageInterpolation Interpolation,
    int ExifOrientation,
    int DecodedWidth,
    int DecodedHeight,
    string DecodedSha256,
    int[][] DecodedSamples,
    int ResizedWidth,
    int ResizedHeight,
    string ResizedSha256,
    string CroppedSha256,
    double[] ChannelMean,
    double[] ChannelStd,
    (int C, int Y, int X, double Value)[] Samples)
{
    public override string ToString() => Name;
}

internal static class ImageFixtures
{
    private static readonly Lazy<Dictionary<string, ImageCase>> AllCases = new(Load);

    public static string Directory => Path.Combine(AppContext.BaseDirectory, "Fixtures");

    public static string SourcePath(ImageCase c) => Path.Combine(Directory, "images_src", c.File);

    /// <summary>torchvision's uint8 crop (before ToTensor) as a lossless PNG, where the generator kept one.</summary>
    public static string? ExpectedCropPath(ImageCase c) => Existing(Path.Combine(Directory, "images_expected", c.Name + ".crop.png"));

    /// <summary>PIL's decode of a lossy input as a lossless PNG, where the generator kept one.</summary>
    public static string? ExpectedDecodedPath(ImageCase c) => Existing(Path.Combine(Directory, "images_expected", c.Name + ".decoded.png"));

    public static ImageCase Get(string name) => AllCases.Value[name];

    public static IEnumerable<ImageCase> Cases => AllCases.Value.Values;

    public static TheoryData<string> Names(Func<ImageCase, bool> where)
    {
        var data = new TheoryData<string>();
        foreach (var c in Cases.Where(where))
        {
            data.Add(c.Name);
        }

        return data;
    }

    public static string Sha256(RgbImage image) => Convert.ToHexStringLower(SHA256.HashData(image.Pixels));

    /// <summary>Decodes a PNG exactly (lossless), without resizing: the reference images of the fixtures.</summary>
    public static RgbImage DecodePng(string path)
        => SkiaImageDecoder.Decode(System.IO.File.ReadAllBytes(path), path, new ImagePreprocessorOptions());

    private static string? Existing(string path) => System.IO.File.Exists(path) ? path : null;

    private static Dictionary<string, ImageCase> Load()
    {
        using var doc = JsonDocument.Parse(System.IO.File.ReadAllBytes(Path.Combine(Directory, "images_parity.json")));
        var result = new Dictionary<string, ImageCase>();
        foreach (var e in doc.RootElement.GetProperty("cases").EnumerateArray())
        {
            var decoded = e.GetProperty("decoded");
            var resized = e.GetProperty("resized");
            var c = new ImageCase(
                e.GetProperty("case").GetString()!,
                e.GetProperty("file").GetString()!,
                e.GetProperty("lossy").GetBoolean(),
                Enum.Parse<ImageInterpolation>(e.GetProperty("interpolation").GetString()!, ignoreCase: true),
                e.GetProperty("exifOrientation").GetInt32(),
                decoded.GetProperty("width").GetInt32(),
                decoded.GetProperty("height").GetInt32(),
                decoded.GetProperty("sha256").GetString()!,
                e.GetProperty("decodedSamples").EnumerateArray().Select(s => s.EnumerateArray().Select(v => v.GetInt32()).ToArray()).ToArray(),
                resized.GetProperty("width").GetInt32(),
                resized.GetProperty("height").GetInt32(),
                resized.GetProperty("sha256").GetString()!,
                e.GetProperty("cropped").GetProperty("sha256").GetString()!,
                e.GetProperty("channelMean").EnumerateArray().Select(v => v.GetDouble()).ToArray(),
                e.GetProperty("channelStd").EnumerateArray().Select(v => v.GetDouble()).ToArray(),
                e.GetProperty("samples").EnumerateArray()
                    .Select(s => (s[0].GetInt32(), s[1].GetInt32(), s[2].GetInt32(), s[3].GetDouble())).ToArray());
            result.Add(c.Name, c);
        }

        return result;
    }
}

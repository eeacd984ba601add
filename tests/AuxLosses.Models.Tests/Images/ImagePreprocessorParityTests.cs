using System;
using System.Linq;
using AuxLosses.Models.Internal;
using FluentAssertions;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace AuxLosses.Models.Tests.Images;

/// <summary>
/// Parity with torchvision 0.14 on PIL 9.4 (Fixtures/generate_images.py): decoders compared separately (exact for
/// PNG/GIF/lossless WebP, a few levels for JPEG and lossy WebP), the resample and crop bit for bit, the tensor exactly.
/// </summary>
public sealed class ImagePreprocessorParityTests(ITestOutputHelper output)
{
    // JPEG / lossy WebP: Skia's and PIL's decoders may round the IDCT and chroma upsampling differently.
    private const int LossyMaxLevels = 8;
    private const double LossyMeanLevels = 1.0;

    public static TheoryData<string> LosslessCases => ImageFixtures.Names(c => !c.Lossy);

    public static TheoryData<string> LossyCases => ImageFixtures.Names(c => c.Lossy);

    /// <summary>Cases whose exact PIL decode is available: lossless sources, and lossy ones with a decoded.png.</summary>
    public static TheoryData<string> ReferenceDecodeCases
        => ImageFixtures.Names(c => !c.Lossy || ImageFixtures.ExpectedDecodedPath(c) is not null);

    [Theory]
    [MemberData(nameof(LosslessCases))]
    public void Lossless_decode_matches_PIL_convert_RGB_exactly(string name)
    {
        var c = ImageFixtures.Get(name);
        var decoded = Decode(c);

        (decoded.Width, decoded.Height).Should().Be((c.DecodedWidth, c.DecodedHeight));
        ImageFixtures.Sha256(decoded).Should().Be(c.DecodedSha256, "Skia's decode of {0} must equal PIL's convert('RGB') byte for byte", c.File);
    }

    [Theory]
    [MemberData(nameof(LossyCases))]
    public void Lossy_decode_is_within_a_few_levels_of_PIL_and_upright(string name)
    {
        var c = ImageFixtures.Get(name);
        var decoded = Decode(c);

        // Size after EXIF orientation: a missing or wrong transpose changes it for 5–8 and scrambles the samples for 2–4.
        (decoded.Width, decoded.Height).Should().Be((c.DecodedWidth, c.DecodedHeight));
        var sampleDiffs = c.DecodedSamples
            .SelectMany(s => Enumerable.Range(0, 3).Select(ch => Math.Abs(decoded.Pixels[((s[0] * decoded.Width) + s[1]) * 3 + ch] - s[2 + ch])))
            .ToArray();
        output.WriteLine($"{name}: {sampleDiffs.Length} sampled levels, max |Δ| {sampleDiffs.Max()}, mean {sampleDiffs.Average():F3}");
        sampleDiffs.Max().Should().BeLessThanOrEqualTo(LossyMaxLevels);
        sampleDiffs.Average().Should().BeLessThanOrEqualTo(LossyMeanLevels);

        if (ImageFixtures.ExpectedDecodedPath(c) is string reference)
        {
            var (max, mean, exact) = Compare(decoded, ImageFixtures.DecodePng(reference));
            output.WriteLine($"{name}: whole image max |Δ| {max} levels, mean {mean:F4}, identical {exact:P2}");
            max.Should().BeLessThanOrEqualTo(LossyMaxLevels);
            mean.Should().BeLessThanOrEqualTo(LossyMeanLevels);
        }
    }

    [Theory]
    [MemberData(nameof(ReferenceDecodeCases))]
    public void Resize_and_center_crop_match_torchvision_bit_for_bit(string name)
    {
        var c = ImageFixtures.Get(name);
        // Start from PIL's own decode, so only the resample and the crop are compared.
        var pilDecoded = c.Lossy ? ImageFixtures.DecodePng(ImageFixtures.ExpectedDecodedPath(c)!) : Decode(c);
        ImageFixtures.Sha256(pilDecoded).Should().Be(c.DecodedSha256);

        var (w, h) = ImagePreprocessor.ResizedSize(pilDecoded.Width, pilDecoded.Height, 256);
        (w, h).Should().Be((c.ResizedWidth, c.ResizedHeight));
        var resized = PilResampler.Resize(pilDecoded, w, h, c.Interpolation);
        ImageFixtures.Sha256(resized).Should().Be(c.ResizedSha256, "the {0} resample of {1} must equal Pillow's", c.Interpolation, c.File);

        var cropped = CenterCrop.Apply(resized, 224);
        ImageFixtures.Sha256(cropped).Should().Be(c.CroppedSha256);
        if (ImageFixtures.ExpectedCropPath(c) is string expected)
        {
            Compare(cropped, ImageFixtures.DecodePng(expected)).Max.Should().Be(0);
        }
    }

    [Theory]
    [MemberData(nameof(LosslessCases))]
    public void Tensor_equals_torchvision_Normalize_output(string name)
    {
        var c = ImageFixtures.Get(name);
        using var scope = NewDisposeScope();
        var preprocessor = new ImagePreprocessor(new ImagePreprocessorOptions { Interpolation = c.Interpolation });

        var tensor = preprocessor.Preprocess(ImageFixtures.SourcePath(c));

        tensor.shape.Should().Equal(3, 224, 224);
        tensor.dtype.Should().Be(ScalarType.Float32);
        var values = tensor.data<float>().ToArray();
        foreach (var (ch, y, x, expected) in c.Samples)
        {
            // Same float32 operations in the same order as ToTensor + Normalize: bit-identical.
            ((double)values[(ch * 224 * 224) + (y * 224) + x]).Should().Be(expected, "value at [{0},{1},{2}]", ch, y, x);
        }

        AssertChannelStatistics(tensor, c, 1e-5);
    }

    [Theory]
    [MemberData(nameof(LossyCases))]
    public void Lossy_tensor_is_close_to_torchvision(string name)
    {
        var c = ImageFixtures.Get(name);
        using var scope = NewDisposeScope();
        var preprocessor = new ImagePreprocessor();

        var tensor = preprocessor.Preprocess(ImageFixtures.SourcePath(c));

        tensor.shape.Should().Equal(3, 224, 224);
        var values = tensor.data<float>().ToArray();
        var diffs = c.Samples.Select(s => Math.Abs(values[(s.C * 224 * 224) + (s.Y * 224) + s.X] - s.Value)).ToArray();
        // One level is 1/255/std ≈ 0.0175 after Normalize; allow the decoder tolerance.
        var levelTolerance = LossyMaxLevels / 255.0 / 0.224;
        output.WriteLine($"{name}: sampled max |Δ| {diffs.Max():F5} (≈{diffs.Max() * 255 * 0.226:F2} levels), mean {diffs.Average():F5}");
        diffs.Max().Should().BeLessThanOrEqualTo(levelTolerance);
        AssertChannelStatistics(tensor, c, LossyMeanLevels / 255.0 / 0.224);

        if (ImageFixtures.ExpectedCropPath(c) is string expected)
        {
            var crop = preprocessor.Transform(Decode(c));
            var (max, mean, exact) = Compare(crop, ImageFixtures.DecodePng(expected));
            output.WriteLine($"{name}: 224×224 crop vs torchvision: max |Δ| {max} levels, mean {mean:F4}, identical {exact:P2}");
            max.Should().BeLessThanOrEqualTo(LossyMaxLevels);
        }
    }

    private static RgbImage Decode(ImageCase c)
        => SkiaImageDecoder.Decode(System.IO.File.ReadAllBytes(ImageFixtures.SourcePath(c)), c.File, new ImagePreprocessorOptions());

    private static void AssertChannelStatistics(Tensor tensor, ImageCase c, double tolerance)
    {
        using var scope = NewDisposeScope();
        var t = tensor.to_type(ScalarType.Float64);
        for (var ch = 0; ch < 3; ch++)
        {
            t[ch].mean().item<double>().Should().BeApproximately(c.ChannelMean[ch], tolerance, "channel {0} mean", ch);
            t[ch].std(unbiased: false).item<double>().Should().BeApproximately(c.ChannelStd[ch], tolerance, "channel {0} std", ch);
        }
    }

    private static (int Max, double Mean, double Identical) Compare(RgbImage actual, RgbImage expected)
    {
        (actual.Width, actual.Height).Should().Be((expected.Width, expected.Height));
        long sum = 0, same = 0;
        var max = 0;
        for (var i = 0; i < actual.Pixels.Length; i++)
        {
            var d = Math.Abs(actual.Pixels[i] - expected.Pixels[i]);
            sum += d;
            same += d == 0 ? 1 : 0;
            max = Math.Max(max, d);
        }

        return (max, (double)sum / actual.Pixels.Length, (double)same / actual.Pixels.Length);
    }
}

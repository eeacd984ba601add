using System;
using System.IO;
using System.Linq;
using System.Text.Json;
using AuxLosses.Models.Internal;
using AuxLosses.Models.Tests.Infrastructure;
using FluentAssertions;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace AuxLosses.Models.Tests.Images;

/// <summary>
/// The project's 8 real social-media JPEGs (shared/data/images; baseline and progressive, one ICC-tagged): they decode,
/// come out upright as a finite [8, 3, 224, 224] batch and agree with torchvision on PIL (statistics recorded by
/// Fixtures/generate_images.py in images_shared.json; the photos themselves are never copied into the repository).
/// </summary>
public sealed class SharedImagesTests(ITestOutputHelper output)
{
    [SharedDataFact("images")]
    public void Real_photos_preprocess_into_a_finite_batch()
    {
        using var scope = NewDisposeScope();
        var files = Directory.GetFiles(SharedData.Find("images")!, "*.jpg").Order(StringComparer.Ordinal).ToArray();
        files.Should().HaveCount(8);

        var batch = new ImagePreprocessor().PreprocessBatch(files);

        batch.shape.Should().Equal(8, 3, 224, 224);
        batch.dtype.Should().Be(ScalarType.Float32);
        batch.isfinite().all().item<bool>().Should().BeTrue();
        // Normalized ImageNet-like photos: values inside [(0 − 0.485)/0.229, (1 − 0.406)/0.225].
        batch.min().item<float>().Should().BeGreaterThanOrEqualTo(-2.12f);
        batch.max().item<float>().Should().BeLessThanOrEqualTo(2.65f);
    }

    [SharedDataFact("images")]
    public void Real_photos_match_torchvision_within_decoder_tolerance()
    {
        using var doc = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(ImageFixtures.Directory, "images_shared.json")));
        var folder = SharedData.Find("images")!;
        var preprocessor = new ImagePreprocessor();
        foreach (var e in doc.RootElement.GetProperty("cases").EnumerateArray())
        {
            var file = e.GetProperty("file").GetString()!;
            var path = Path.Combine(folder, file);
            var decoded = SkiaImageDecoder.Decode(File.ReadAllBytes(path), path, preprocessor.Options);
            var d = e.GetProperty("decoded");
            (decoded.Width, decoded.Height).Should().Be((d.GetProperty("width").GetInt32(), d.GetProperty("height").GetInt32()), file);

            var diffs = e.GetProperty("decodedSamples").EnumerateArray()
                .Select(s => s.EnumerateArray().Select(v => v.GetInt32()).ToArray())
                .SelectMany(s => Enumerable.Range(0, 3).Select(c => Math.Abs(decoded.Pixels[(((s[0] * decoded.Width) + s[1]) * 3) + c] - s[2 + c])))
                .ToArray();
            var identical = ImageFixtures.Sha256(decoded) == d.GetProperty("sha256").GetString();
            var cropIdentical = ImageFixtures.Sha256(preprocessor.Transform(decoded)) == e.GetProperty("cropped").GetProperty("sha256").GetString();

            using var scope = NewDisposeScope();
            var t = preprocessor.Preprocess(path).to_type(ScalarType.Float64);
            var meanDiff = Enumerable.Range(0, 3)
                .Max(c => Math.Abs(t[c].mean().item<double>() - e.GetProperty("channelMean")[c].GetDouble()));
            output.WriteLine($"{file}: decode identical {identical}, crop identical {cropIdentical}, sampled max |Δ| {diffs.Max()} levels, mean {diffs.Average():F4}, channel-mean |Δ| {meanDiff:E2}");

            diffs.Max().Should().BeLessThanOrEqualTo(8, file);
            diffs.Average().Should().BeLessThanOrEqualTo(1.0, file);
            meanDiff.Should().BeLessThanOrEqualTo(1.0 / 255 / 0.224, file);
        }
    }
}

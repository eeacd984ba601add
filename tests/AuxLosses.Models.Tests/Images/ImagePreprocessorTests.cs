using System;
using System.IO;
using System.Linq;
using AuxLosses.Models.Internal;
using AuxLosses.Tests.Infrastructure;
using FluentAssertions;
using TorchSharp;
using static TorchSharp.torch;

namespace AuxLosses.Models.Tests.Images;

/// <summary>Options, sizes, overloads, batching, orientation switch, padding and leaks of <see cref="ImagePreprocessor"/>.</summary>
public sealed class ImagePreprocessorTests
{
    private static readonly float[] ImageNetMean = [0.485f, 0.456f, 0.406f];
    private static readonly float[] ImageNetStd = [0.229f, 0.224f, 0.225f];
    private static readonly float[] PaperMean = [0.46777044f, 0.44531429f, 0.40661017f];
    private static readonly float[] PaperStd = [0.12221994f, 0.12145835f, 0.14380469f];

    private static bool Same(Tensor a, Tensor b) => a.shape.SequenceEqual(b.shape) && a.eq(b).all().item<bool>();

    private static string Source(string file) => Path.Combine(ImageFixtures.Directory, "images_src", file);

    [Fact]
    public void Defaults_are_the_seed_transform()
    {
        var o = new ImagePreprocessorOptions();

        o.ResizeShorter.Should().Be(256);
        o.CropSize.Should().Be(224);
        o.Interpolation.Should().Be(ImageInterpolation.Bilinear);
        o.Mean.Should().Equal(0.485, 0.456, 0.406);
        o.Std.Should().Equal(0.229, 0.224, 0.225);
        o.ApplyExifOrientation.Should().BeTrue();
        o.AllowTruncatedImages.Should().BeFalse();
        ImagePreprocessorOptions.AuxLossesPaper().Mean.Should().Equal(0.46777044, 0.44531429, 0.40661017);
        ImagePreprocessorOptions.AuxLossesPaper().Std.Should().Equal(0.12221994, 0.12145835, 0.14380469);
    }

    public static TheoryData<ImagePreprocessorOptions, string> BadOptions => new()
    {
        { new ImagePreprocessorOptions { ResizeShorter = 0 }, "options.ResizeShorter" },
        { new ImagePreprocessorOptions { CropSize = -1 }, "options.CropSize" },
        { new ImagePreprocessorOptions { Interpolation = (ImageInterpolation)42 }, "options.Interpolation" },
        { new ImagePreprocessorOptions { MaxImagePixels = 0 }, "options.MaxImagePixels" },
        { new ImagePreprocessorOptions { Mean = [0.5, 0.5] }, "options.Mean" },
        { new ImagePreprocessorOptions { Mean = [0.5, double.NaN, 0.5] }, "options.Mean" },
        { new ImagePreprocessorOptions { Std = [0.2, 0.0, 0.2] }, "options.Std" },
        { new ImagePreprocessorOptions { Std = [0.2, 0.2, double.PositiveInfinity] }, "options.Std" },
    };

    [Theory]
    [MemberData(nameof(BadOptions))]
    public void Invalid_options_throw_naming_the_option(ImagePreprocessorOptions options, string name)
        => FluentActions.Invoking(() => new ImagePreprocessor(options))
            .Should().Throw<ArgumentOutOfRangeException>().WithParameterName(name);

    [Theory]
    [InlineData(300, 200, 384, 256)] // int(256·300/200) = 384
    [InlineData(180, 400, 256, 568)] // int(568.88…) = 568: truncation, not rounding
    [InlineData(100, 30, 853, 256)]  // int(853.33…)
    [InlineData(256, 256, 256, 256)]
    [InlineData(1, 3, 256, 768)]
    [InlineData(1000, 999, 256, 256)] // int(256.256…) = 256: the long side may equal the short one
    public void Resized_size_truncates_like_torchvision(int w, int h, int ew, int eh)
        => ImagePreprocessor.ResizedSize(w, h, 256).Should().Be((ew, eh));

    [Fact]
    public void Crop_larger_than_image_zero_pads_like_torchvision()
    {
        // 5×3 image, crop 8: pad left (8−5)//2 = 1, right 2; top (8−3)//2 = 2, bottom 3; start 0.
        var image = new RgbImage(5, 3, Enumerable.Range(1, 45).Select(v => (byte)v).ToArray());

        var crop = CenterCrop.Apply(image, 8);

        for (var y = 0; y < 8; y++)
        {
            for (var x = 0; x < 8; x++)
            {
                var inside = x is >= 1 and < 6 && y is >= 2 and < 5;
                var expected = inside ? (byte)((((y - 2) * 5) + (x - 1)) * 3 + 1) : (byte)0;
                crop.Pixels[((y * 8) + x) * 3].Should().Be(expected, "pixel ({0},{1})", x, y);
            }
        }
    }

    [Fact]
    public void Crop_offset_rounds_half_to_even()
    {
        // width 7 → crop 4: (7−4)/2 = 1.5 → 2; width 5 → (5−4)/2 = 0.5 → 0.
        var row7 = new RgbImage(7, 4, Enumerable.Range(0, 7 * 4 * 3).Select(v => (byte)v).ToArray());
        var row5 = new RgbImage(5, 4, Enumerable.Range(0, 5 * 4 * 3).Select(v => (byte)v).ToArray());

        CenterCrop.Apply(row7, 4).Pixels[0].Should().Be(2 * 3);
        CenterCrop.Apply(row5, 4).Pixels[0].Should().Be(0);
    }

    [Fact]
    public void Path_stream_and_bytes_give_the_same_tensor()
    {
        using var scope = NewDisposeScope();
        var p = new ImagePreprocessor();
        var path = Source("photo_320x250.jpg");

        var fromPath = p.Preprocess(path);
        using var stream = File.OpenRead(path);
        var fromStream = p.Preprocess(stream, path);
        var fromBytes = p.Preprocess(File.ReadAllBytes(path));

        Same(fromStream, fromPath).Should().BeTrue();
        Same(fromBytes, fromPath).Should().BeTrue();
    }

    [Fact]
    public void Batch_is_NCHW_and_equals_the_single_images()
    {
        using var scope = NewDisposeScope();
        var p = new ImagePreprocessor();
        string[] files = [Source("wide_100x30.png"), Source("exif6_320x240.jpg"), Source("palette_260x200.gif")];

        var batch = p.PreprocessBatch(files);
        var fromBytes = p.PreprocessBatch(files.Select(File.ReadAllBytes).ToArray());

        batch.shape.Should().Equal(3, 3, 224, 224);
        batch.dtype.Should().Be(ScalarType.Float32);
        batch.device_type.Should().Be(DeviceType.CPU);
        for (var i = 0; i < files.Length; i++)
        {
            Same(batch[i], p.Preprocess(files[i])).Should().BeTrue();
        }

        Same(fromBytes, batch).Should().BeTrue();
    }

    [Fact]
    public void Batch_of_uncropped_images_of_different_sizes_throws()
    {
        var p = new ImagePreprocessor(new ImagePreprocessorOptions { CropSize = null });

        FluentActions.Invoking(() => p.PreprocessBatch([Source("wide_100x30.png"), Source("gradient_300x200.png")]))
            .Should().Throw<ArgumentException>().WithParameterName("paths").WithMessage("*paths[1] is 384×256*paths[0] is 853×256*");
    }

    [Fact]
    public void Exif_orientation_can_be_ignored_like_plain_PIL()
    {
        using var scope = NewDisposeScope();
        var raw = new ImagePreprocessorOptions { ResizeShorter = null, CropSize = null, ApplyExifOrientation = false };
        var upright = new ImagePreprocessorOptions { ResizeShorter = null, CropSize = null };
        var path = Source("exif6_320x240.jpg"); // stored 320×240, orientation 6: shown 240×320

        var stored = new ImagePreprocessor(raw).Preprocess(path);
        var shown = new ImagePreprocessor(upright).Preprocess(path);

        stored.shape.Should().Equal(3, 240, 320);
        shown.shape.Should().Equal(3, 320, 240);
        // Orientation 6 displays the stored image rotated 90° clockwise: rot90 with k = −1 over (H, W).
        Same(shown, stored.rot90(-1, (1, 2))).Should().BeTrue();
    }

    [Fact]
    public void Statistics_are_applied_per_channel()
    {
        using var scope = NewDisposeScope();
        var path = Source("gradient_300x200.png");
        var imageNet = new ImagePreprocessor().Preprocess(path);
        var paper = new ImagePreprocessor(ImagePreprocessorOptions.AuxLossesPaper()).Preprocess(path);

        // Undo ImageNet's normalization and apply the paper's: the same pixels, other statistics.
        var m1 = tensor(ImageNetMean).view(3, 1, 1);
        var s1 = tensor(ImageNetStd).view(3, 1, 1);
        var m2 = tensor(PaperMean).view(3, 1, 1);
        var s2 = tensor(PaperStd).view(3, 1, 1);
        var expected = ((imageNet * s1) + m1 - m2) / s2;

        paper.allclose(expected, rtol: 0, atol: 1e-5).Should().BeTrue();
    }

    [Fact]
    public void Pixel_values_are_normalized_exactly_like_ToTensor_then_Normalize()
    {
        // Without resize and crop the top-left pixel maps straight through: (v/255 − mean) / std per channel in float32.
        using var scope = NewDisposeScope();
        var p = new ImagePreprocessor(new ImagePreprocessorOptions { ResizeShorter = null, CropSize = null });
        var source = Source("wide_100x30.png");
        var first = p.Preprocess(source)[.., 0, 0].data<float>().ToArray();
        var rgb = ImageFixtures.DecodePng(source).Pixels[..3];

        first.Should().Equal(
            ((rgb[0] / 255f) - 0.485f) / 0.229f,
            ((rgb[1] / 255f) - 0.456f) / 0.224f,
            ((rgb[2] / 255f) - 0.406f) / 0.225f);
    }

    [Fact]
    public void Batch_creation_does_not_leak_tensors()
    {
        var p = new ImagePreprocessor();
        var bytes = new[] { File.ReadAllBytes(Source("wide_100x30.png")), File.ReadAllBytes(Source("noise_256x256.png")) };
        void Step()
        {
            using var scope = NewDisposeScope();
            var batch = p.PreprocessBatch(bytes);
            _ = batch.sum().item<float>();
        }

        LeakCheck.AssertFlat(Step);
    }
}

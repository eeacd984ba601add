using System;
using System.Buffers.Binary;
using System.IO;
using System.Linq;
using System.Text;
using FluentAssertions;
using static TorchSharp.torch;

namespace AuxLosses.Models.Tests.Images;

/// <summary>Bad images fail with a typed exception that names the source, never with a native crash.</summary>
public sealed class ImageDecodeErrorTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("auxlosses-images-").FullName;
    private readonly ImagePreprocessor _preprocessor = new();

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Missing_file_throws_FileNotFoundException_naming_it()
    {
        var path = Path.Combine(_dir, "nope.jpg");

        var act = () => _preprocessor.Preprocess(path);

        act.Should().Throw<FileNotFoundException>().Where(e => e.FileName == path && e.Message.Contains(path));
    }

    [Fact]
    public void Empty_file_throws_ImageDecodeException_naming_it()
    {
        var path = Write("empty.jpg", []);

        AssertDecodeError(() => _preprocessor.Preprocess(path), path, "empty");
    }

    [Fact]
    public void Text_file_named_jpg_throws_ImageDecodeException_naming_it()
    {
        var path = Write("notes.jpg", Encoding.UTF8.GetBytes("this is not a JPEG, just some text\n"));

        AssertDecodeError(() => _preprocessor.Preprocess(path), path, "not a JPEG");
    }

    [Theory]
    [InlineData("photo_320x250.jpg")]
    [InlineData("gradient_300x200.png")]
    [InlineData("webp_lossy_300x230.webp")]
    public void Truncated_file_throws_unless_truncation_is_allowed(string source)
    {
        var bytes = File.ReadAllBytes(Path.Combine(ImageFixtures.Directory, "images_src", source));
        var path = Write("cut_" + source, bytes[..(bytes.Length / 2)]);

        AssertDecodeError(() => _preprocessor.Preprocess(path), path, "truncated");

        // PIL's LOAD_TRUNCATED_IMAGES (set by SPP-SCL): the decoded part is used.
        using var scope = NewDisposeScope();
        var lenient = new ImagePreprocessor(new ImagePreprocessorOptions { AllowTruncatedImages = true });
        var tensor = lenient.Preprocess(path);
        tensor.shape.Should().Equal(3, 224, 224);
        tensor.isfinite().all().item<bool>().Should().BeTrue();
    }

    [Fact]
    public void Header_only_JPEG_throws()
    {
        var bytes = File.ReadAllBytes(Path.Combine(ImageFixtures.Directory, "images_src", "photo_320x250.jpg"));
        var path = Write("header.jpg", bytes[..40]);

        AssertDecodeError(() => _preprocessor.Preprocess(path), path, path);
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(0, 10)]
    [InlineData(10, 0)]
    public void Zero_size_PNG_throws(int width, int height)
    {
        var path = Write($"zero_{width}x{height}.png", Png(width, height));

        AssertDecodeError(() => _preprocessor.Preprocess(path), path, path);
    }

    [Fact]
    public void Image_above_MaxImagePixels_throws_before_decoding()
    {
        var path = Path.Combine(ImageFixtures.Directory, "images_src", "gradient_300x200.png");
        var small = new ImagePreprocessor(new ImagePreprocessorOptions { MaxImagePixels = 300 * 200 - 1 });

        AssertDecodeError(() => small.Preprocess(path), path, "MaxImagePixels");
    }

    [Fact]
    public void Stream_and_bytes_errors_name_the_given_source()
    {
        var junk = Encoding.UTF8.GetBytes("<html>404</html>");

        AssertDecodeError(() => _preprocessor.Preprocess(new MemoryStream(junk), "https://example/img.jpg"), "https://example/img.jpg", "img.jpg");
        AssertDecodeError(() => _preprocessor.Preprocess(junk, "post-17"), "post-17", "post-17");
        AssertDecodeError(() => _preprocessor.Preprocess(ReadOnlySpan<byte>.Empty), null, "empty");
    }

    [Fact]
    public void Batch_error_names_the_bad_entry()
    {
        var good = Path.Combine(ImageFixtures.Directory, "images_src", "wide_100x30.png");
        var bad = Write("bad.png", Encoding.UTF8.GetBytes("PNG? no."));

        AssertDecodeError(() => _preprocessor.PreprocessBatch([good, bad]), bad, bad);
        AssertDecodeError(() => _preprocessor.PreprocessBatch([File.ReadAllBytes(good), [1, 2, 3]]), "images[1]", "images[1]");
        FluentActions.Invoking(() => _preprocessor.PreprocessBatch(Array.Empty<string>()))
            .Should().Throw<ArgumentException>().WithParameterName("paths");
    }

    [Fact]
    public void Corrupted_and_cut_files_never_crash()
    {
        // Every prefix length class and random byte damage across the formats: a decode error or a finite tensor.
        var random = new Random(7);
        foreach (var source in new[] { "photo_320x250.jpg", "exif6_320x240.jpg", "rgba_320x240.png", "palette_260x200.gif", "webp_lossless_330x250.webp", "webp_lossy_300x230.webp" })
        {
            var original = File.ReadAllBytes(Path.Combine(ImageFixtures.Directory, "images_src", source));
            for (var trial = 0; trial < 12; trial++)
            {
                var bytes = trial < 6
                    ? original[..random.Next(1, original.Length)]
                    : Damage(original, random);
                using var scope = NewDisposeScope();
                try
                {
                    var tensor = _preprocessor.Preprocess(bytes, source);
                    tensor.shape.Should().Equal(3, 224, 224);
                    tensor.isfinite().all().item<bool>().Should().BeTrue();
                }
                catch (ImageDecodeException e)
                {
                    e.FileName.Should().Be(source);
                }
            }
        }
    }

    private static byte[] Damage(byte[] original, Random random)
    {
        var bytes = original.ToArray();
        for (var i = 0; i < 8; i++)
        {
            bytes[random.Next(bytes.Length / 8, bytes.Length)] = (byte)random.Next(256);
        }

        return bytes;
    }

    private static void AssertDecodeError(Action act, string? fileName, string messagePart)
        => act.Should().Throw<ImageDecodeException>()
            .Where(e => e.FileName == fileName && e.Message.Contains(messagePart, StringComparison.Ordinal), $"FileName {fileName}, message containing '{messagePart}'");

    private string Write(string name, byte[] bytes)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    /// <summary>A syntactically valid PNG with the given header size and one empty IDAT.</summary>
    private static byte[] Png(int width, int height)
    {
        using var ms = new MemoryStream();
        ms.Write([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]);
        var ihdr = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(ihdr, width);
        BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(4), height);
        ihdr[8] = 8; // bit depth
        ihdr[9] = 2; // RGB
        Chunk(ms, "IHDR", ihdr);
        Chunk(ms, "IDAT", [0x78, 0x9C, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01]); // zlib of nothing
        Chunk(ms, "IEND", []);
        return ms.ToArray();
    }

    private static void Chunk(Stream s, string type, byte[] data)
    {
        Span<byte> u32 = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(u32, data.Length);
        s.Write(u32);
        var typed = Encoding.ASCII.GetBytes(type).Concat(data).ToArray();
        s.Write(typed);
        BinaryPrimitives.WriteUInt32BigEndian(u32, Crc32(typed));
        s.Write(u32);
    }

    private static uint Crc32(byte[] data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in data)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
            }
        }

        return ~crc;
    }
}

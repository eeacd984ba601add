using System;
using System.IO;
using System.Linq;
using System.Text;
using FluentAssertions;
using static TorchSharp.torch;

namespace AuxLosses.Models.Tests.Weights;

public sealed class SafeTensorsRobustnessTests
{
    private const string OneF32 = """{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}""";

    private static SafeTensorsFormatException Fails(byte[] bytes, string source = "hostile.safetensors")
    {
        var act = () => SafeTensors.Load(new MemoryStream(bytes), source);
        var e = act.Should().Throw<SafeTensorsFormatException>().Which;
        e.Message.Should().Contain(source, "the message names the file");
        return e;
    }

    [Fact]
    public void A_valid_hand_built_file_loads()
    {
        var data = BitConverter.GetBytes(1.5f).Concat(BitConverter.GetBytes(-2f)).ToArray();
        var tensors = SafeTensors.Load(new MemoryStream(WeightsFixture.Build(OneF32, data)));
        tensors["w"].data<float>().ToArray().Should().Equal(1.5f, -2f);
        SafeTensorsTests.Dispose(tensors);
    }

    [Fact]
    public void Truncated_data_section()
    {
        var e = Fails(WeightsFixture.Build(OneF32, new byte[5]));
        e.TensorName.Should().Be("w");
        e.Message.Should().Contain("out of range");
    }

    [Fact]
    public void File_shorter_than_the_length_prefix()
    {
        Fails([1, 2, 3]).Message.Should().Contain("shorter than the 8-byte");
    }

    [Fact]
    public void Header_length_past_the_end_of_the_file()
    {
        Fails(WeightsFixture.Build(OneF32, new byte[8], lengthOverride: 4096)).Message.Should().Contain("runs past the end of the file");
    }

    [Fact]
    public void Huge_header_length_is_rejected_before_allocating()
    {
        var before = GC.GetAllocatedBytesForCurrentThread();
        Fails(WeightsFixture.Build(OneF32, new byte[8], lengthOverride: 1_000_000_000_000_000_000UL))
            .Message.Should().Contain("1000000000000000000");
        (GC.GetAllocatedBytesForCurrentThread() - before).Should().BeLessThan(1 << 20);
    }

    [Fact]
    public void Header_over_the_cap_is_rejected_even_when_the_file_is_that_long()
    {
        // The reader must not trust the length just because the file is long: the cap applies first.
        using var stream = new FakeLongStream(SafeTensors.MaxHeaderBytes + 100, SafeTensors.MaxHeaderBytes + 1);
        var act = () => SafeTensors.Open(stream, "long.safetensors");
        act.Should().Throw<SafeTensorsFormatException>().WithMessage("*exceeds the limit of 100000000 bytes*");
    }

    [Fact]
    public void Non_JSON_header()
    {
        Fails(WeightsFixture.Build("{not json at all}", [])).Message.Should().Contain("not valid JSON");
        Fails(WeightsFixture.Build("[1,2,3]", [])).Message.Should().Contain("does not start with '{'");
        Fails(WeightsFixture.Build("{\"a\":1} trailing", [])).Message.Should().Contain("not valid JSON");
    }

    [Fact]
    public void Invalid_UTF8_in_the_header()
    {
        var bytes = WeightsFixture.Build("""{"w":{"dtype":"F32","shape":[0],"data_offsets":[0,0]},"x":"?"}""", []);
        bytes[Array.LastIndexOf(bytes, (byte)'?')] = 0xFF;
        Fails(bytes);
    }

    [Fact]
    public void Overlapping_offsets()
    {
        const string header = """{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}""";
        var e = Fails(WeightsFixture.Build(header, new byte[12]));
        e.TensorName.Should().Be("b");
        e.Message.Should().Contain("overlap tensor 'a'");
    }

    [Fact]
    public void Out_of_range_offsets()
    {
        const string header = """{"a":{"dtype":"F32","shape":[2],"data_offsets":[16,24]}}""";
        var e = Fails(WeightsFixture.Build(header, new byte[8]));
        e.TensorName.Should().Be("a");
        e.Message.Should().Contain("out of range");
    }

    [Fact]
    public void Gap_and_trailing_bytes_are_rejected()
    {
        const string gap = """{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[1],"data_offsets":[8,12]}}""";
        Fails(WeightsFixture.Build(gap, new byte[12])).Message.Should().Contain("gap of 4");
        Fails(WeightsFixture.Build(OneF32, new byte[12])).Message.Should().Contain("trailing bytes");
    }

    [Fact]
    public void Size_mismatch_between_shape_and_offsets()
    {
        const string header = """{"w":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}""";
        var e = Fails(WeightsFixture.Build(header, new byte[8]));
        e.TensorName.Should().Be("w");
        e.Message.Should().Contain("span 8 bytes").And.Contain("needs 12 bytes");
    }

    [Fact]
    public void Shape_overflow_and_negative_dimensions()
    {
        const string overflow = """{"w":{"dtype":"F64","shape":[4611686018427387904,4],"data_offsets":[0,8]}}""";
        Fails(WeightsFixture.Build(overflow, new byte[8])).Message.Should().Contain("overflows");
        const string negative = """{"w":{"dtype":"F32","shape":[-2],"data_offsets":[0,8]}}""";
        Fails(WeightsFixture.Build(negative, new byte[8])).Message.Should().Contain("non-negative");
        const string fractional = """{"w":{"dtype":"F32","shape":[2.5],"data_offsets":[0,8]}}""";
        Fails(WeightsFixture.Build(fractional, new byte[8])).Message.Should().Contain("non-negative 64-bit integer");
    }

    [Fact]
    public void Unknown_and_unsupported_dtypes()
    {
        const string unknown = """{"w":{"dtype":"F128","shape":[1],"data_offsets":[0,16]}}""";
        var e = Fails(WeightsFixture.Build(unknown, new byte[16]));
        e.TensorName.Should().Be("w");
        e.Message.Should().Contain("unknown dtype 'F128'");
        const string unsupported = """{"w":{"dtype":"U32","shape":[1],"data_offsets":[0,4]}}""";
        Fails(WeightsFixture.Build(unsupported, new byte[4])).Message.Should().Contain("'U32' is not supported");
    }

    [Fact]
    public void Duplicate_keys_and_fields()
    {
        const string dupTensor = """{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"w":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}""";
        var e = Fails(WeightsFixture.Build(dupTensor, new byte[8]));
        e.TensorName.Should().Be("w");
        e.Message.Should().Contain("duplicate key");
        const string dupField = """{"w":{"dtype":"F32","dtype":"F64","shape":[1],"data_offsets":[0,4]}}""";
        Fails(WeightsFixture.Build(dupField, new byte[4])).Message.Should().Contain("duplicate field 'dtype'");
        const string dupMeta = """{"__metadata__":{"a":"1"},"__metadata__":{"b":"2"}}""";
        Fails(WeightsFixture.Build(dupMeta, [])).TensorName.Should().Be("__metadata__");
    }

    [Fact]
    public void Malformed_entries_and_metadata()
    {
        Fails(WeightsFixture.Build("""{"w":5}""", [])).Message.Should().Contain("entry must be an object");
        Fails(WeightsFixture.Build("""{"w":{"dtype":"F32","shape":[0]}}""", [])).Message.Should().Contain("'data_offsets' is missing");
        Fails(WeightsFixture.Build("""{"w":{"dtype":"F32","shape":[0],"data_offsets":[0,0],"x":1}}""", [])).Message.Should().Contain("unknown field 'x'");
        Fails(WeightsFixture.Build("""{"w":{"dtype":"F32","shape":[0],"data_offsets":[0,0,0]}}""", [])).Message.Should().Contain("data_offsets");
        Fails(WeightsFixture.Build("""{"__metadata__":{"a":1}}""", [])).TensorName.Should().Be("__metadata__.a");
        Fails(WeightsFixture.Build("""{"__metadata__":[1]}""", [])).TensorName.Should().Be("__metadata__");
    }

    [Fact]
    public void Deep_nesting_is_rejected_by_the_parser_depth_limit()
    {
        var deep = "{\"w\":" + new string('[', 5000) + new string(']', 5000) + "}";
        Fails(WeightsFixture.Build(deep, [])).Message.Should().Contain("not valid JSON");
    }

    [Fact]
    public void Bool_bytes_other_than_zero_or_one_are_rejected()
    {
        const string header = """{"m":{"dtype":"BOOL","shape":[3],"data_offsets":[0,3]}}""";
        var e = Fails(WeightsFixture.Build(header, [0, 1, 7]));
        e.TensorName.Should().Be("m");
        e.Message.Should().Contain("BOOL");
    }

    [Fact]
    public void Fuzzed_headers_only_ever_raise_the_documented_exception()
    {
        var valid = File.ReadAllBytes(WeightsFixture.Path("weights_dtypes.safetensors"));
        var headerEnd = 8 + (int)BitConverter.ToUInt64(valid, 0);
        var random = new Random(20240607);
        var accepted = 0;
        for (var iteration = 0; iteration < 2000; iteration++)
        {
            var bytes = Mutate(valid, headerEnd, random);
            var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
            using var scope = NewDisposeScope();
            try
            {
                var loaded = SafeTensors.Load(new MemoryStream(bytes), $"fuzz#{iteration}");
                accepted++;
                loaded.Values.Sum(t => t.numel()).Should().BeLessThanOrEqualTo(bytes.Length, "tensors never hold more elements than the file has bytes");
            }
            catch (SafeTensorsFormatException e)
            {
                e.Message.Should().Contain($"fuzz#{iteration}");
            }

            (GC.GetAllocatedBytesForCurrentThread() - allocatedBefore).Should().BeLessThan(4L << 20, $"iteration {iteration} must not allocate absurdly");
        }

        accepted.Should().BeLessThan(2000, "most mutations must be caught");
    }

    private static byte[] Mutate(byte[] valid, int headerEnd, Random random)
    {
        var bytes = (byte[])valid.Clone();
        switch (random.Next(6))
        {
            case 0:
                // Corrupt the length prefix.
                bytes[random.Next(8)] = (byte)random.Next(256);
                break;
            case 1:
                // Flip a few header bytes to random values.
                for (var i = random.Next(1, 4); i > 0; i--)
                {
                    bytes[random.Next(8, headerEnd)] = (byte)random.Next(256);
                }

                break;
            case 2:
                // Replace a header digit with another digit: plausible JSON, wrong numbers.
                var digits = Enumerable.Range(8, headerEnd - 8).Where(i => bytes[i] is >= (byte)'0' and <= (byte)'9').ToArray();
                bytes[digits[random.Next(digits.Length)]] = (byte)('0' + random.Next(10));
                break;
            case 3:
                // Truncate anywhere.
                Array.Resize(ref bytes, random.Next(bytes.Length));
                break;
            case 4:
                // Insert a structural character into the header.
                var structural = "{}[]\",:\\9-e."u8.ToArray();
                bytes[random.Next(8, headerEnd)] = structural[random.Next(structural.Length)];
                break;
            default:
                // Append garbage.
                var extra = new byte[random.Next(1, 32)];
                random.NextBytes(extra);
                bytes = [.. bytes, .. extra];
                break;
        }

        return bytes;
    }

    /// <summary>Pretends to be a huge file whose first 8 bytes declare <paramref name="declared"/> header bytes.</summary>
    private sealed class FakeLongStream(long length, long declared) : Stream
    {
        private readonly byte[] _prefix = BitConverter.GetBytes((ulong)declared);

        public override bool CanRead => true;

        public override bool CanSeek => true;

        public override bool CanWrite => false;

        public override long Length => length;

        public override long Position { get; set; }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count)
        {
            var n = 0;
            while (n < count && Position < length)
            {
                buffer[offset + n] = Position < 8 ? _prefix[Position] : (byte)' ';
                n++;
                Position++;
            }

            return n;
        }

        public override long Seek(long offset, SeekOrigin origin) => Position = origin switch
        {
            SeekOrigin.Begin => offset,
            SeekOrigin.Current => Position + offset,
            _ => length + offset,
        };

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}

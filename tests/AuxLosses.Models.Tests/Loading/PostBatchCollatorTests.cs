using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using AuxLosses.Tests.Infrastructure;
using FluentAssertions;
using SkiaSharp;
using TorchSharp;
using static TorchSharp.torch;

namespace AuxLosses.Models.Tests.Loading;

/// <summary>Collating posts from JPEG/PNG files the test writes: tensors, missing images, errors, threads, leaks.</summary>
public sealed class PostBatchCollatorTests : IDisposable
{
    private static readonly string[] Vocabulary =
    [
        "[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]",
        "best", "day", "ever", "so", "tired", "of", "this", "rain", "!", "a", "cat", "dog", "sunny", "##s",
    ];

    private static readonly string[] Texts =
    [
        "best day ever!", "so tired of this rain", "a cat", "dogs dogs dogs", "sunny", "this", "a dog ever", "rain rain!",
        "cats", "so sunny", "best cat", "tired",
    ];

    private readonly string _folder = Path.Combine(Path.GetTempPath(), "auxlosses-loading-" + Guid.NewGuid().ToString("N"));
    private readonly BertTokenizer _tokenizer;
    private readonly ImagePreprocessor _images = new(new ImagePreprocessorOptions { ResizeShorter = 20, CropSize = 16 });
    private readonly SocialMediaPost[] _posts;

    public PostBatchCollatorTests()
    {
        Directory.CreateDirectory(_folder);
        File.WriteAllText(Path.Combine(_folder, "vocab.txt"), string.Join('\n', Vocabulary) + "\n");
        _tokenizer = BertTokenizer.FromVocabFile(Path.Combine(_folder, "vocab.txt"), new TextTokenizerOptions { MaxLength = 8 });
        _posts = new SocialMediaPost[Texts.Length];
        for (var i = 0; i < Texts.Length; i++)
        {
            // Every fourth post is text-only; the others alternate JPEG and PNG of different sizes and aspect ratios.
            var path = i % 4 == 3 ? null : WriteImage($"p{i}", i % 2 == 0 ? SKEncodedImageFormat.Jpeg : SKEncodedImageFormat.Png, 24 + (5 * i), 30 + (3 * i), i);
            _posts[i] = new SocialMediaPost($"p{i}", Texts[i], i % 3, path);
        }
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private PostBatchCollator Collator(PostBatchCollatorOptions? options = null) => new(_tokenizer, _images, options);

    [Fact]
    public void Collate_gives_the_tokenizer_and_preprocessor_outputs_row_by_row()
    {
        var posts = _posts[..4];
        using var batch = Collator().Collate(posts);
        batch.Ids.Should().Equal("p0", "p1", "p2", "p3");
        batch.Pixels.shape.Should().Equal(4, 3, 16, 16);
        batch.Pixels.dtype.Should().Be(ScalarType.Float32);
        batch.Labels.dtype.Should().Be(ScalarType.Int64);
        batch.Labels.data<long>().ToArray().Should().Equal(0, 1, 2, 0);
        batch.ImagePresent.data<bool>().ToArray().Should().Equal(true, true, true, false);

        using var tokens = _tokenizer.Encode(posts.Select(p => p.Text).ToArray());
        BitExact.Same(batch.InputIds, tokens.InputIds).Should().BeTrue();
        BitExact.Same(batch.AttentionMask, tokens.AttentionMask).Should().BeTrue();
        BitExact.Same(batch.TokenTypeIds!, tokens.TokenTypeIds).Should().BeTrue();
        batch.InputIds[0].data<long>().ToArray().Should().StartWith(new long[] { 2, 5, 6, 7, 13, 3 }, "[CLS] best day ever ! [SEP]");

        using var scope = NewDisposeScope();
        for (var i = 0; i < 3; i++)
        {
            BitExact.Same(batch.Pixels[i], _images.Preprocess(posts[i].ImagePath!)).Should().BeTrue($"row {i} is the preprocessed image");
        }
    }

    [Fact]
    public void A_post_without_an_image_gets_zero_pixels_and_ImagePresent_false()
    {
        using var batch = Collator().Collate([_posts[3], _posts[0]]);
        batch.ImagePresent.data<bool>().ToArray().Should().Equal(false, true);
        batch.Pixels[0].abs().sum().item<float>().Should().Be(0);
        batch.Pixels[1].abs().sum().item<float>().Should().BeGreaterThan(0);

        using var textOnly = Collator().Collate([_posts[3], _posts[7]]);
        textOnly.Pixels.shape.Should().Equal(2, 3, 16, 16);
        textOnly.Pixels.count_nonzero().item<long>().Should().Be(0);
        textOnly.ImagePresent.any().item<bool>().Should().BeFalse();
    }

    [Fact]
    public void Options_drop_token_types_and_can_require_images()
    {
        using (var batch = Collator(new PostBatchCollatorOptions { IncludeTokenTypeIds = false }).Collate(_posts[..2]))
        {
            batch.TokenTypeIds.Should().BeNull();
        }

        var strict = Collator(new PostBatchCollatorOptions { RequireImages = true });
        FluentActions.Invoking(() => strict.Collate(_posts[..4])).Should().Throw<ArgumentException>()
            .Where(e => e.ParamName == "posts" && e.Message.Contains("'p3'"));
    }

    [Fact]
    public void A_missing_image_file_throws_naming_the_post_and_the_file()
    {
        var path = Path.Combine(_folder, "gone.jpg");
        var e = FluentActions.Invoking(() => Collator().Collate([_posts[0], new SocialMediaPost("42", "a cat", 1, path)]))
            .Should().Throw<FileNotFoundException>().Which;
        e.FileName.Should().Be(path);
        e.Message.Should().Contain("'42'").And.Contain(path);
    }

    [Fact]
    public void A_corrupt_image_file_throws_ImageDecodeException_naming_the_post_and_the_file()
    {
        var path = Path.Combine(_folder, "corrupt.jpg");
        File.WriteAllText(path, "not a jpeg at all");
        var e = FluentActions.Invoking(() => Collator().Collate([new SocialMediaPost("7", "a dog", 0, path)]))
            .Should().Throw<ImageDecodeException>().Which;
        e.FileName.Should().Be(path);
        e.Message.Should().Contain("'7'").And.Contain(path);
        e.InnerException.Should().BeOfType<ImageDecodeException>();
    }

    [Fact]
    public void Bad_post_lists_throw()
    {
        var collator = Collator();
        FluentActions.Invoking(() => collator.Collate([])).Should().Throw<ArgumentException>().Which.ParamName.Should().Be("posts");
        FluentActions.Invoking(() => collator.Collate([_posts[0], null!])).Should().Throw<ArgumentNullException>().Which.ParamName.Should().Be("posts");
        FluentActions.Invoking(() => collator.Collate([_posts[0] with { Label = -1 }])).Should().Throw<ArgumentException>().Which.ParamName.Should().Be("posts");
        FluentActions.Invoking(() => new PostBatchCollator(null!, _images)).Should().Throw<ArgumentNullException>();
        FluentActions.Invoking(() => new PostBatchCollator(_tokenizer, null!)).Should().Throw<ArgumentNullException>();
    }

    [Fact]
    public void Images_of_different_sizes_without_a_crop_throw_naming_both_posts()
    {
        var collator = new PostBatchCollator(_tokenizer, new ImagePreprocessor(new ImagePreprocessorOptions { ResizeShorter = null, CropSize = null }));
        FluentActions.Invoking(() => collator.Collate(_posts[..2])).Should().Throw<ArgumentException>()
            .Where(e => e.ParamName == "posts" && e.Message.Contains("'p0'") && e.Message.Contains("'p1'"));
        FluentActions.Invoking(() => collator.Collate([_posts[3]])).Should().Throw<ArgumentException>().Which.ParamName.Should().Be("posts");
    }

    [Fact]
    public void Concurrent_collation_equals_sequential_collation_bit_for_bit()
    {
        var collator = Collator();
        var batches = Enumerable.Range(0, 6).Select(k => _posts.Skip(k).Take(1 + (k % 4)).ToArray()).ToArray();
        var sequential = batches.Select(collator.Collate).ToArray();
        try
        {
            var concurrent = new ConcurrentBag<(int Index, PostBatch Batch)>();
            Parallel.For(0, 8 * batches.Length, new ParallelOptions { MaxDegreeOfParallelism = 8 },
                k => concurrent.Add((k % batches.Length, collator.Collate(batches[k % batches.Length]))));
            concurrent.Should().HaveCount(8 * batches.Length);
            foreach (var (index, batch) in concurrent)
            {
                using (batch)
                {
                    var expected = sequential[index];
                    batch.Ids.Should().Equal(expected.Ids);
                    BitExact.Same(batch.Pixels, expected.Pixels).Should().BeTrue();
                    BitExact.Same(batch.InputIds, expected.InputIds).Should().BeTrue();
                    BitExact.Same(batch.AttentionMask, expected.AttentionMask).Should().BeTrue();
                    BitExact.Same(batch.TokenTypeIds!, expected.TokenTypeIds!).Should().BeTrue();
                    BitExact.Same(batch.Labels, expected.Labels).Should().BeTrue();
                    BitExact.Same(batch.ImagePresent, expected.ImagePresent).Should().BeTrue();
                }
            }
        }
        finally
        {
            foreach (var batch in sequential)
            {
                batch.Dispose();
            }
        }
    }

    [Fact]
    public void The_tokenizer_gives_the_same_ids_from_many_threads()
    {
        var texts = Enumerable.Range(0, 200).Select(i => Texts[i % Texts.Length] + " " + Texts[(i * 7) % Texts.Length]).ToArray();
        var expected = texts.Select(t => _tokenizer.Tokenize(t).ToArray()).ToArray();
        var actual = new int[texts.Length][];
        Parallel.For(0, texts.Length, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i => actual[i] = [.. _tokenizer.Tokenize(texts[i])]);
        actual.Should().BeEquivalentTo(expected, o => o.WithStrictOrdering());
    }

    [Fact]
    public void CreateLoader_gives_batches_in_the_loader_order_and_identical_for_any_worker_count()
    {
        var collator = Collator();
        var inline = collator.CreateLoader(_posts, new DataLoaderOptions { BatchSize = 5, Seed = 9, Workers = 0 });
        var threaded = collator.CreateLoader(_posts, new DataLoaderOptions { BatchSize = 5, Seed = 9, Workers = 2 });
        inline.BatchesPerEpoch.Should().Be(3);
        var order = inline.GetItemOrder(1);
        var ids = new List<string>();
        foreach (var (a, b) in inline.GetBatches(1).Zip(threaded.GetBatches(1)))
        {
            using (a)
            using (b)
            {
                ids.AddRange(a.Ids);
                b.Ids.Should().Equal(a.Ids);
                BitExact.Same(a.Pixels, b.Pixels).Should().BeTrue();
                BitExact.Same(a.InputIds, b.InputIds).Should().BeTrue();
            }
        }

        ids.Should().Equal(order.Select(i => _posts[i].Id));
    }

    [Fact]
    public void A_missing_file_in_a_threaded_loader_names_the_batch_and_the_post()
    {
        var path = Path.Combine(_folder, "deleted.png");
        File.Copy(_posts[1].ImagePath!, path);
        var posts = _posts.Append(new SocialMediaPost("late", "a dog", 2, path)).ToArray();
        var loader = Collator().CreateLoader(posts, new DataLoaderOptions { BatchSize = 13, Workers = 2 });
        File.Delete(path); // gone between reading the dataset and loading the batch

        var e = FluentActions.Invoking(() => loader.GetBatches(0).ToList()).Should().Throw<DataLoaderException>().Which;
        e.BatchIndex.Should().Be(0);
        e.ItemIds.Should().Contain("late");
        e.InnerException.Should().BeOfType<FileNotFoundException>().Which.FileName.Should().Be(path);
    }

    [Fact]
    public void Whole_epochs_on_the_consumer_thread_leave_no_tensor_alive()
    {
        var loader = Collator().CreateLoader(_posts, new DataLoaderOptions { BatchSize = 4, Workers = 0 });
        var epoch = 0;
        LeakCheck.AssertFlat(() =>
        {
            foreach (var batch in loader.GetBatches(epoch++))
            {
                batch.Dispose();
            }
        }, steps: 20);
    }

    [Fact]
    public void Threaded_epochs_with_early_breaks_dispose_every_batch_they_collate()
    {
        var collator = Collator();
        var created = new ConcurrentBag<PostBatch>();
        var loader = new DataLoader<SocialMediaPost, PostBatch>(_posts, posts =>
        {
            var batch = collator.Collate(posts);
            created.Add(batch);
            return batch;
        }, new DataLoaderOptions { BatchSize = 2, Workers = 2, PrefetchBatches = 3 });

        for (var epoch = 0; epoch < 20; epoch++)
        {
            var k = 0;
            foreach (var batch in loader.GetBatches(epoch))
            {
                batch.Dispose();
                if (epoch % 2 == 1 && ++k == 2)
                {
                    break;
                }
            }
        }

        created.Should().NotBeEmpty().And.OnlyContain(b => b.Pixels.IsInvalid && b.InputIds.IsInvalid && b.Labels.IsInvalid);
    }

    private string WriteImage(string name, SKEncodedImageFormat format, int width, int height, int seed)
    {
        using var bitmap = new SKBitmap(width, height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                bitmap.SetPixel(x, y, new SKColor((byte)((x * 9) + seed), (byte)(y * 7), (byte)((x + y) * 5 * (seed + 1))));
            }
        }

        using var data = bitmap.Encode(format, 90);
        var path = Path.Combine(_folder, name + (format == SKEncodedImageFormat.Jpeg ? ".jpg" : ".png"));
        File.WriteAllBytes(path, data.ToArray());
        return path;
    }
}

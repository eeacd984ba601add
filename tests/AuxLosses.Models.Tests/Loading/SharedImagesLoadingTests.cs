using System.IO;
using System.Linq;
using AuxLosses.Models.Tests.Infrastructure;
using FluentAssertions;
using TorchSharp;

namespace AuxLosses.Models.Tests.Loading;

/// <summary>The project's 8 real photos through the default 256 → 224 pipeline, inline and on workers.</summary>
public sealed class SharedImagesLoadingTests
{
    [SharedDataFact("images")]
    public void Real_photos_load_identically_with_and_without_workers()
    {
        var files = Directory.GetFiles(SharedData.Find("images")!, "*.jpg").Order(System.StringComparer.Ordinal).ToArray();
        files.Should().NotBeEmpty();
        var posts = files.Select((f, i) => new SocialMediaPost(Path.GetFileNameWithoutExtension(f), "a photo " + i, i % 2, f)).ToArray();
        using var vocab = new MemoryStream(System.Text.Encoding.UTF8.GetBytes("[PAD]\n[UNK]\n[CLS]\n[SEP]\n[MASK]\na\nphoto\n"));
        var collator = new PostBatchCollator(BertTokenizer.FromVocabStream(vocab), new ImagePreprocessor());
        var inline = collator.CreateLoader(posts, new DataLoaderOptions { BatchSize = 3, Seed = 1, Workers = 0 });
        var threaded = collator.CreateLoader(posts, new DataLoaderOptions { BatchSize = 3, Seed = 1, Workers = 2 });

        var seen = 0;
        foreach (var (a, b) in inline.GetBatches(0).Zip(threaded.GetBatches(0)))
        {
            using (a)
            using (b)
            {
                a.Pixels.shape.Should().Equal(a.Count, 3, 224, 224);
                a.ImagePresent.all().item<bool>().Should().BeTrue();
                a.Pixels.isfinite().all().item<bool>().Should().BeTrue();
                BitExact.Same(a.Pixels, b.Pixels).Should().BeTrue();
                b.Ids.Should().Equal(a.Ids);
                seen += a.Count;
            }
        }

        seen.Should().Be(files.Length);
    }
}

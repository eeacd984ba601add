using System;
using System.IO;
using System.Linq;
using AuxLosses;
using FluentAssertions;
using TorchSharp;
using static TorchSharp.torch;

namespace AuxLosses.Tests;

/// <summary>Runs the README's 30-second example and checks that the README shows exactly this code.</summary>
public sealed class ReadmeExampleTests
{
    [Fact]
    public void Readme_example_runs_one_training_step()
    {
        var output = new StringWriter();
        var console = Console.Out;
        Console.SetOut(output);
        try
        {
            Example();
        }
        finally
        {
            Console.SetOut(console);
        }

        output.ToString().Should().MatchRegex(@"total=\S+ ce=\S+ itc=\S+ itm=\S+");
    }

    [Fact]
    public void Cross_batch_queue_example_runs()
    {
        QueueExample().Should().Be(96, "three steps of 32 pairs were enqueued");
    }

    /// <summary>Every ```csharp block of README.md follows a <c>&lt;!-- snippet: NAME --&gt;</c> line and shows region NAME of this file.</summary>
    [Fact]
    public void Readme_shows_the_tested_examples_verbatim()
    {
        var root = RepositoryRoot();
        var readme = File.ReadAllLines(Path.Combine(root, "README.md"));
        // The regions live in the two test projects' README example files.
        var source = new[] { Path.Combine("AuxLosses.Tests", "ReadmeExampleTests.cs"), Path.Combine("AuxLosses.Models.Tests", "ReadmeModelsExampleTests.cs") }
            .SelectMany(f => File.ReadAllLines(Path.Combine(root, "tests", f))).ToArray();
        var blocks = 0;
        for (var i = 0; i < readme.Length; i++)
        {
            if (!readme[i].StartsWith("```csharp", StringComparison.Ordinal))
            {
                continue;
            }

            blocks++;
            var marker = readme[..i].LastOrDefault(l => l.Trim().Length > 0) ?? string.Empty;
            marker.Should().StartWith("<!-- snippet: ", $"the ```csharp block at README.md line {i + 1} must name its tested region");
            var name = marker["<!-- snippet: ".Length..].TrimEnd('-', '>', ' ');
            var end = Array.FindIndex(readme, i + 1, l => l.StartsWith("```", StringComparison.Ordinal));
            var block = readme[(i + 1)..end];

            var usings = block.TakeWhile(l => l.StartsWith("using ", StringComparison.Ordinal)).ToArray();
            usings.Where(u => !source.Contains(u)).Should().BeEmpty("every using of a README example must be in the tested file");
            var body = block.Skip(usings.Length).SkipWhile(string.IsNullOrWhiteSpace).ToArray();
            body.Should().Equal(Region(source, name), $"README snippet '{name}' must be the code this file runs (copy region README:begin {name})");
        }

        blocks.Should().BeGreaterThan(0);
    }

    private static string[] Region(string[] source, string name)
    {
        var begin = Array.FindIndex(source, l => l.Trim() == $"// README:begin {name}");
        var finish = Array.FindIndex(source, l => l.Trim() == $"// README:end {name}");
        begin.Should().BeGreaterThanOrEqualTo(0, $"region '{name}' must exist");
        var region = source[(begin + 1)..finish];
        var indent = region.Where(l => l.Trim().Length > 0).Min(l => l.Length - l.TrimStart().Length);
        return region.Select(l => l.Length >= indent ? l[indent..] : l.TrimStart()).ToArray();
    }

    private static void Example()
    {
        // README:begin quickstart
        torch.InitializeDeviceType(DeviceType.CPU);

        // Any encoder pair works; here, projections of precomputed ResNet (2048) and BERT (768) features.
        var imageEncoder = nn.Linear(2048, 256);
        var textEncoder = nn.Linear(768, 256);
        var classifier = nn.Linear(512, 3);
        Tensor Fuse(Tensor image, Tensor text) => cat([image, text], 1);      // late fusion

        var itc = new ImageTextContrastiveLoss();                 // CLIP InfoNCE, learnable temperature
        var itm = new ImageTextMatchingLoss(inputSize: 512);      // the paper's random swap + 2-way head
        var objective = JointObjective.Paper(itcWeight: 0.1, itmWeight: 0.1); // 0.8·CE + 0.1·ITC + 0.1·ITM

        var optimizer = optim.AdamW(new nn.Module[] { imageEncoder, textEncoder, classifier, itc, itm }
            .SelectMany(m => m.parameters()), lr: 1e-3);

        // One training step on a batch of 32 posts with 3 classes.
        using (NewDisposeScope())
        {
            var (pixels, tokens, labels) = (randn(32, 2048), randn(32, 768), randint(0, 3, [32]));
            var image = imageEncoder.forward(pixels);
            var text = textEncoder.forward(tokens);
            using var matching = itm.forward(new LateFusionPairEncoder(image, text, Fuse));
            using var loss = objective.Compute(
                ("ce", nn.functional.cross_entropy(classifier.forward(Fuse(image, text)), labels)),
                ("itc", itc.forward(image, text)),
                ("itm", matching.Loss));
            optimizer.zero_grad();
            loss.Total.backward();
            optimizer.step();
            Console.WriteLine(loss);                              // total=… ce=… itc=… itm=…
        }
        // README:end quickstart
    }

    private static int QueueExample()
    {
        // README:begin queue
        // Cross-batch memory: up to 4096 past pairs (detached) become extra candidates, as MoCo / ALBEF queues.
        using var queue = new FeatureQueue(new FeatureQueueOptions { Capacity = 4096, Dim = 256 });
        var contrastive = new ImageTextContrastiveLoss();
        for (var step = 0; step < 3; step++)
        {
            using var scope = NewDisposeScope();
            var (image, text) = (randn(32, 256, requires_grad: true), randn(32, 256, requires_grad: true));
            contrastive.forward(image, text, queue).backward();   // batch + queued texts (and images) as candidates
            queue.Enqueue(image.detach(), text.detach());         // after the step, as ALBEF does
        }
        // README:end queue
        return queue.Count;
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "AuxLosses.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("AuxLosses.sln not found above the test output folder.");
    }
}

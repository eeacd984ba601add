using System;
using AuxLosses;
using FluentAssertions;
using TorchSharp;
using static TorchSharp.torch;

namespace AuxLosses.Tests.Docs;

/// <summary>Runs the examples of docs/concepts/image-text-contrastive.md and docs/concepts/sigmoid-contrastive.md.</summary>
public sealed class ContrastiveDocsExamples
{
    [Fact]
    public void Itc_basic_example_backpropagates_into_the_learnable_scale()
    {
        using var scope = NewDisposeScope();
        var (itc, image, loss) = ItcBasic();
        itc.LogScale.grad.Should().NotBeNull("the temperature is learned");
        image.grad.Should().NotBeNull();
        double.IsFinite(loss).Should().BeTrue();
        itc.LogitScale.Should().BeApproximately(1 / 0.07, 1e-4, "the scale starts at 1/τ₀ and no optimizer step ran");
    }

    [Fact]
    public void Chunked_example_matches_dense()
    {
        ItcChunked().Should().BeLessThan(1e-5f);
    }

    [Fact]
    public void Gatherer_example_equals_the_full_batch_loss_on_one_rank()
    {
        using var scope = NewDisposeScope();
        var (local, full) = ItcGatherer();
        Math.Abs(local - full).Should().BeLessThan(1e-5);
    }

    [Fact]
    public void Labelled_queue_example_fills_the_queue()
    {
        QueueLabelled().Should().Be(48, "three steps of 16 entries, capacity 256");
    }

    [Fact]
    public void Siglip_example_starts_near_ten_and_trains_scale_and_bias()
    {
        using var scope = NewDisposeScope();
        var (siglip, loss, labelled) = Siglip();

        // At initialisation ℓ_ij = 10·cos − 10 with cos ≈ 0 for random 64-d vectors: each of the B positives costs
        // softplus(10) ≈ 10, each of the B² − B negatives softplus(−10) ≈ 4.5e-5, and the sum is divided by B.
        loss.Should().BeInRange(7, 13);
        labelled.Should().BeGreaterThan(loss, "same-label pairs add positives, each costing about 10");
        siglip.LogScale.grad.Should().NotBeNull();
        siglip.LogitBias.grad.Should().NotBeNull();
    }

    private static (ImageTextContrastiveLoss Itc, Tensor Image, double Loss) ItcBasic()
    {
        // docs:begin itc-basic
        var itc = new ImageTextContrastiveLoss(new ContrastiveLossOptions { LabelSmoothing = 0.1 });

        var image = randn(8, 64, requires_grad: true);                  // [B, D] from the image encoder
        var text = randn(8, 64, requires_grad: true);                   // [B, D] from the text encoder
        var labels = tensor(new long[] { 0, 1, 2, 0, 1, 2, 0, 1 });

        var clip = itc.forward(image, text);                            // only pair (i, i) is a positive
        var grouped = itc.forward(image, text, labels);                 // every same-label pair is a positive
        (clip + grouped).backward();                                    // reaches image, text and itc.LogScale (t)
        Console.WriteLine($"s = {itc.LogitScale:F2}");                  // 14.29 = 1/0.07 until the optimizer moves t
        // docs:end itc-basic
        return (itc, image, (clip + grouped).item<float>());
    }

    private static float ItcChunked()
    {
        // docs:begin itc-chunked
        var chunked = new ImageTextContrastiveLoss(new ContrastiveLossOptions
        {
            Implementation = ContrastiveImplementation.Chunked,             // never allocates B×B
            ChunkSize = 256,
        });
        var dense = new ImageTextContrastiveLoss(new ContrastiveLossOptions { Implementation = ContrastiveImplementation.Dense });

        using var scope = NewDisposeScope();
        var (image, text) = (randn(1000, 32), randn(1000, 32));
        var difference = (chunked.forward(image, text) - dense.forward(image, text)).abs().item<float>();   // < 1e-5
        // docs:end itc-chunked
        return difference;
    }

    // docs:begin itc-gatherer
    /// <summary>The one collective the local loss needs; this one is for a single process (WorldSize = 1).</summary>
    private sealed class SingleProcessGatherer : IFeatureGatherer
    {
        public int Rank => 0;

        public int WorldSize => 1;

        // Every rank's tensor concatenated in rank order, without gradient (NCCL / MPI / sockets in real use).
        public Tensor AllGather(Tensor local) => local.detach().clone();
    }
    // docs:end itc-gatherer

    private static (double Local, double Full) ItcGatherer()
    {
        // docs:begin itc-gatherer-use
        var itc = new ImageTextContrastiveLoss();
        var image = randn(8, 64, requires_grad: true);
        var text = randn(8, 64, requires_grad: true);

        // This rank's 8 anchors against all ranks' candidates; gradients return to their owners via ReduceScatter.
        var local = itc.forward(image, text, new SingleProcessGatherer());
        local.backward();                                               // then average gradients over ranks (DDP)
        // docs:end itc-gatherer-use
        return (local.item<float>(), itc.forward(image, text).item<float>());
    }

    private static int QueueLabelled()
    {
        // docs:begin queue-labelled
        using var queue = new FeatureQueue(new FeatureQueueOptions { Capacity = 256, Dim = 32, StoreLabels = true });
        var itc = new ImageTextContrastiveLoss();
        var supcon = new SupervisedContrastiveLoss();
        for (var step = 0; step < 3; step++)
        {
            using var scope = NewDisposeScope();
            var image = randn(16, 32, requires_grad: true);
            var text = randn(16, 32, requires_grad: true);
            var labels = randint(0, 3, [16]);
            var loss = itc.forward(image, text, labels, queue)          // queued same-label pairs are positives
                + supcon.forward(image, labels, queue, Modality.Image); // queued images are extra candidates
            loss.backward();
            queue.Enqueue(image.detach(), text.detach(), labels);       // after the loss, as ALBEF and BLIP do
        }
        // docs:end queue-labelled
        return queue.Count;
    }

    private static (SigmoidContrastiveLoss Siglip, double Loss, double Labelled) Siglip()
    {
        // docs:begin siglip
        var siglip = new SigmoidContrastiveLoss();                      // s = exp(t) = 10, b = −10, both learned

        var image = randn(32, 64, requires_grad: true);
        var text = randn(32, 64, requires_grad: true);
        var loss = siglip.forward(image, text);                         // all B² pairs, summed, divided by B
        loss.backward();                                                // reaches siglip.LogScale and siglip.LogitBias

        var labelled = siglip.forward(image, text, randint(0, 4, [32])); // every same-label pair is a positive
        // docs:end siglip
        return (siglip, loss.item<float>(), labelled.item<float>());
    }
}

using System.Linq;
using AuxLosses;
using FluentAssertions;
using TorchSharp;
using static TorchSharp.torch;

namespace AuxLosses.Tests.Docs;

/// <summary>Runs the examples of docs/concepts/image-text-matching.md.</summary>
public sealed class MatchingDocsExamples
{
    [Fact]
    public void Random_example_scores_one_pair_per_post()
    {
        using var scope = NewDisposeScope();
        var (output, image) = ItmRandom();
        output.Pairs.Count.Should().Be(16);
        output.Pairs.ImageIndex.data<long>().ToArray().Should().Equal(Enumerable.Range(0, 16).Select(i => (long)i));
        var matched = output.MatchLabels.data<long>().ToArray();
        var swapped = output.Pairs.TextIndex.data<long>().ToArray().Select((t, i) => t != i).ToArray();
        matched.Select(m => m == 0).Should().Equal(swapped, "label 0 exactly when the text was swapped");
        image.grad.Should().NotBeNull("the loss reaches the cached features");
    }

    [Fact]
    public void Hard_example_never_pairs_same_label_negatives()
    {
        using var scope = NewDisposeScope();
        var (output, labels) = ItmHard();
        var pairs = output.Pairs;
        pairs.Count.Should().Be(48 - pairs.RowsWithoutCandidate);
        var y = labels.data<long>().ToArray();
        var image = pairs.ImageIndex.data<long>().ToArray();
        var text = pairs.TextIndex.data<long>().ToArray();
        var match = pairs.MatchLabels.data<long>().ToArray();
        for (var n = 0; n < match.Length; n++)
        {
            if (match[n] == 1)
            {
                image[n].Should().Be(text[n]);
            }
            else
            {
                y[image[n]].Should().NotBe(y[text[n]], "negatives come from other labels when labels are given");
            }
        }
    }

    private static (ItmOutput Output, Tensor Image) ItmRandom()
    {
        // docs:begin itm-random
        var fusion = nn.Sequential(nn.Linear(64, 32), nn.ReLU());       // the paper's ReLU(Linear(cat(x_t, x_v)))
        var itm = new ImageTextMatchingLoss(inputSize: 32);             // Linear(32, 2) head; random swap, p = 0.5

        var image = randn(16, 32, requires_grad: true);                 // per-modality features, computed once
        var text = randn(16, 32, requires_grad: true);
        var pairs = new LateFusionPairEncoder(image, text, (i, t) => fusion.forward(cat([i, t], 1)));
        var output = itm.forward(pairs);                                // B pairs: label 1 = kept, 0 = text swapped
        output.Loss.backward();                                         // head, fusion and both feature tensors
        // docs:end itm-random
        return (output, image);
    }

    private static (ItmOutput Output, Tensor Labels) ItmHard()
    {
        // docs:begin itm-hard
        var itm = new ImageTextMatchingLoss(inputSize: 64, samplerOptions: new NegativeSamplerOptions
        {
            Strategy = NegativeSamplingStrategy.Hard,                       // ALBEF: negatives ∝ softmax(similarity)
        });
        var itc = new ImageTextContrastiveLoss();
        using var generator = new Generator(42);                        // same seed, same pairs

        var image = randn(16, 32, requires_grad: true);
        var text = randn(16, 32, requires_grad: true);
        var labels = randint(0, 3, [16]);
        var similarity = nn.functional.normalize(image).mm(nn.functional.normalize(text).t()) * itc.LogitScale;
        var pairs = new LateFusionPairEncoder(image, text, (i, t) => cat([i, t], 1));
        var output = itm.forward(pairs, similarity, labels, generator); // B positives, then ≤ 2B negatives
        output.Loss.backward();
        // docs:end itm-hard
        return (output, labels);
    }
}

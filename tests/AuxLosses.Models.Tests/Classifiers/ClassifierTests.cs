using System;
using System.Linq;
using AuxLosses;
using AuxLosses.Models;
using AuxLosses.Models.Tests.Fusion;
using AuxLosses.Tests.Infrastructure;
using FluentAssertions;
using TorchSharp;
using static TorchSharp.torch;

namespace AuxLosses.Models.Tests.Classifiers;

public sealed class ClassifierTests
{
    private static (Tensor Pixels, Tensor Ids, Tensor Mask, Tensor Labels) Batch(long n = 4, long length = 6)
    {
        var g = new Generator(11);
        var pixels = randn(n, 3, 8, 8, generator: g);
        var ids = randint(1, 50, [n, length], generator: g);
        var mask = ones(n, length, dtype: ScalarType.Int64);
        var labels = tensor(Enumerable.Range(0, (int)n).Select(i => (long)(i % 2)).ToArray());
        return (pixels, ids, mask, labels);
    }

    private static Tensor Snapshot(nn.Module module) => cat(module.parameters().Select(p => p.detach().flatten()).ToArray()).clone();

    [Fact]
    public void LateFusion_ItcItmStep_IsFinite_ChangesParams_AndReusesCachedFeatures()
    {
        using var scope = NewDisposeScope();
        var text = new FakeTextEncoder(8);
        var image = new FakeImageEncoder(6);
        var model = new LateFusionClassifier(text, image, new AttentionFusion(8, 6, 10), new LateFusionClassifierOptions { NumClasses = 3, ProjectionSize = 5 });
        var itc = new ImageTextContrastiveLoss();
        var itm = new ImageTextMatchingLoss(model.Fusion.OutputSize);
        var (pixels, ids, mask, labels) = Batch();
        var imageBefore = Snapshot(image);
        var textBefore = Snapshot(text);
        var headBefore = Snapshot(model.Fusion);
        var optimizer = optim.Adam(model.parameters().Concat(itc.parameters()).Concat(itm.parameters()).Where(p => p.requires_grad), 1e-2);

        var output = model.call(pixels, ids, mask);
        output.Logits.shape.Should().Equal(4, 3);
        output.ImageEmbedding.shape.Should().Equal(4, 5);
        output.TextEmbedding.shape.Should().Equal(4, 5);
        var matching = itm.forward(model.PairEncoder(output), null, null, new Generator(1));
        text.Calls.Should().Be(1, "ITM re-fuses cached features");
        image.Calls.Should().Be(1);
        var loss = 0.8 * nn.functional.cross_entropy(output.Logits, labels) + 0.1 * itc.call(output.ImageEmbedding, output.TextEmbedding) + 0.1 * matching.Loss;
        double.IsFinite(loss.item<float>()).Should().BeTrue();
        loss.backward();
        optimizer.step();

        (Snapshot(model.Fusion) - headBefore).abs().max().item<float>().Should().BeGreaterThan(0);
        (Snapshot(text) - textBefore).abs().max().item<float>().Should().BeGreaterThan(0, "the text encoder trains");
        (Snapshot(image) - imageBefore).abs().max().item<float>().Should().Be(0, "the image encoder is frozen as in the paper");
        model.named_parameters().Select(p => p.name).Should().Contain(n => n.StartsWith("text_encoder.", StringComparison.Ordinal));
    }

    [Fact]
    public void LateFusion_PairEncoder_MatchesFreshFusionOfThePair()
    {
        using var scope = NewDisposeScope();
        var model = new LateFusionClassifier(new FakeTextEncoder(8), new FakeImageEncoder(6), new ConcatFusion(8, 6, 4));
        model.eval();
        var (pixels, ids, mask, _) = Batch();
        var output = model.call(pixels, ids, mask);
        var swapped = model.call(pixels, ids.index_select(0, tensor(Swap)), mask);
        var pairs = model.PairEncoder(output).EncodePairs(arange(4L), tensor(Swap));
        (pairs - swapped.Fused).abs().max().item<float>().Should().BeLessThan(1e-5f);
    }

    private static readonly long[] Swap = [1, 0, 3, 2];
    private static readonly bool[] NoImageRow0 = [false, true, true, true];
    private static readonly bool[] NoTextRow1 = [true, false, true, true];

    [Fact]
    public void LateFusion_RejectsBadInput()
    {
        using var scope = NewDisposeScope();
        var model = new LateFusionClassifier(new FakeTextEncoder(8), new FakeImageEncoder(6), new ConcatFusion(8, 6, 4));
        var (pixels, ids, mask, _) = Batch();
        ((Action)(() => model.call(pixels[..3], ids, mask))).Should().Throw<ArgumentException>().WithMessage("*inputIds*");
        ((Action)(() => model.call(pixels, ids.to(ScalarType.Float32), mask))).Should().Throw<ArgumentException>().WithMessage("*inputIds*");
        ((Action)(() => model.call(pixels, ids, mask[.., ..3]))).Should().Throw<ArgumentException>().WithMessage("*attentionMask*");
        ((Action)(() => model.call(pixels[.., 0], ids, mask))).Should().Throw<ArgumentException>().WithMessage("*pixels*");
        ((Func<LateFusionClassifier>)(() => new LateFusionClassifier(new FakeTextEncoder(8), new FakeImageEncoder(6), new ConcatFusion(7, 6, 4)))).Should().Throw<ArgumentException>();
        ((Func<LateFusionClassifier>)(() => new LateFusionClassifier(new FakeTextEncoder(8), new FakeImageEncoder(6), new ConcatFusion(8, 6, 4), new LateFusionClassifierOptions { Dropout = 1.5 }))).Should().Throw<ArgumentOutOfRangeException>().WithMessage("*Dropout*");
    }

    [Fact]
    public void LateFusion_StepDoesNotLeak()
    {
        var model = new LateFusionClassifier(new FakeTextEncoder(8), new FakeImageEncoder(6), new GatedMultimodalUnit(8, 6, 4), new LateFusionClassifierOptions { ProjectionSize = 4 });
        var itm = new ImageTextMatchingLoss(4);
        var (pixels, ids, mask, labels) = Batch();
        LeakCheck.AssertFlat(() =>
        {
            using var scope = NewDisposeScope();
            model.zero_grad();
            var output = model.call(pixels, ids, mask);
            var loss = nn.functional.cross_entropy(output.Logits, labels) + itm.forward(model.PairEncoder(output)).Loss;
            loss.backward();
        }, steps: 50);
    }

    private static SppSclModel Spp(SppSclOptions? options = null) =>
        new(new FakeTextEncoder(8), new FakeImageEncoder(16), options ?? new SppSclOptions { LstmHiddenSize = 4, ImageHeadChannels = 6, SharedSize = 5, NumClasses = 2 });

    [Fact]
    public void SppScl_TwoStepTraining_RunsBothSteps_AndLeavesEncodersFrozen()
    {
        using var scope = NewDisposeScope();
        var text = new FakeTextEncoder(8);
        var image = new FakeImageEncoder(16);
        var model = new SppSclModel(text, image, new SppSclOptions { LstmHiddenSize = 4, ImageHeadChannels = 6, SharedSize = 5, NumClasses = 2 });
        var (pixels, ids, mask, labels) = Batch(6);
        var output = model.call(pixels, ids, mask);
        output.Logits.shape.Should().Equal(6, 2);
        output.TextAligned.shape.Should().Equal(6, 5);
        output.ClassifierFeatures.shape.Should().Equal(6, 10);

        var textBefore = Snapshot(text);
        var imageBefore = Snapshot(image);
        var bnBefore = image.named_buffers().Single(b => b.name == "bn.running_mean").buffer.clone();
        var trainable = model.TrainableParameters();
        var trainableBefore = cat(trainable.Select(p => p.detach().flatten()).ToArray()).clone();
        using var objective = new SemiPushPullObjective(new SemiPushPullOptions { Alpha = 10 }); // condition never skips
        var optimizer = optim.Adam(trainable, 1e-2);
        var result = objective.TrainStep(optimizer, () => model.call(pixels, ids, mask).ToBatch(), labels);

        result.Step2Ran.Should().BeTrue();
        double.IsFinite(result.Total).Should().BeTrue();
        (Snapshot(text) - textBefore).abs().max().item<float>().Should().Be(0);
        (Snapshot(image) - imageBefore).abs().max().item<float>().Should().Be(0);
        (image.named_buffers().Single(b => b.name == "bn.running_mean").buffer - bnBefore).abs().max().item<float>().Should().Be(0, "frozen encoders run in eval mode by default");
        (cat(trainable.Select(p => p.detach().flatten()).ToArray()) - trainableBefore).abs().max().item<float>().Should().BeGreaterThan(0);
    }

    [Fact]
    public void SppScl_ReferenceTrainModeOption_PutsFrozenEncodersInTrainMode()
    {
        using var scope = NewDisposeScope();
        var text = new FakeTextEncoder(8);
        var image = new FakeImageEncoder(16);
        var model = new SppSclModel(text, image, new SppSclOptions { LstmHiddenSize = 4, ImageHeadChannels = 6, SharedSize = 5, FrozenEncodersFollowTrainMode = true });
        image.training.Should().BeTrue();
        var defaults = Spp();
        defaults.training.Should().BeTrue();
        var (pixels, ids, mask, _) = Batch();
        var bnBefore = image.named_buffers().Single(b => b.name == "bn.running_mean").buffer.clone();
        model.call(pixels, ids, mask);
        (image.named_buffers().Single(b => b.name == "bn.running_mean").buffer - bnBefore).abs().max().item<float>().Should().BeGreaterThan(0, "the reference's BN statistics keep moving");
        model.eval();
        image.training.Should().BeFalse();
    }

    [Fact]
    public void SppScl_RejectsBadInput()
    {
        using var scope = NewDisposeScope();
        var model = Spp(new SppSclOptions { TextLayers = [9, 13], LstmHiddenSize = 4, ImageHeadChannels = 6, SharedSize = 5 });
        var (pixels, ids, mask, _) = Batch();
        ((Action)(() => model.call(pixels, ids, mask))).Should().Throw<ArgumentException>().WithMessage("*hiddenStates*13*");
        var ok = Spp();
        ((Action)(() => ok.call(pixels[..1], ids[..1], mask[..1]))).Should().Throw<ArgumentException>().WithMessage("*at least 2*");
        ((Action)(() => ok.call(pixels, ids[.., ..2], mask[.., ..2]))).Should().Throw<ArgumentException>().WithMessage("*L ≥ 3*");
        ((Action)(() => Spp(new SppSclOptions { SharedSize = 0 }))).Should().Throw<ArgumentOutOfRangeException>().WithMessage("*SharedSize*");
    }

    [Fact]
    public void SppScl_StepDoesNotLeak()
    {
        var model = Spp();
        var (pixels, ids, mask, labels) = Batch();
        using var objective = new SemiPushPullObjective(new SemiPushPullOptions { Alpha = 10 });
        var optimizer = optim.SGD(model.TrainableParameters(), 1e-3);
        LeakCheck.AssertFlat(() =>
        {
            using var scope = NewDisposeScope();
            objective.TrainStep(optimizer, () => model.call(pixels, ids, mask).ToBatch(), labels);
        }, steps: 30);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void PooledFusion_PredictsWithMissingModalities(bool commonSpace)
    {
        using var scope = NewDisposeScope();
        var options = new PooledFusionOptions { NumClasses = 3, CommonSize = 5 };
        nn.Module<Tensor?, Tensor?, Tensor?, PooledFusionOutput> model = commonSpace
            ? new CommonSpaceFusionModel(new FakeTextEncoder(8), new FakeImageEncoder(6), options)
            : new JointFusionModel(new FakeTextEncoder(8), new FakeImageEncoder(6), options);
        model.eval();
        var (pixels, ids, mask, labels) = Batch();

        var both = model.call(pixels, ids, mask);
        var textOnly = model.call(null, ids, mask);
        var imageOnly = model.call(pixels, null, null);
        foreach (var o in new[] { both, textOnly, imageOnly })
        {
            o.Logits.shape.Should().Equal(4, 3);
            o.Logits.isfinite().all().item<bool>().Should().BeTrue();
        }

        // Max pooling over present modalities: a text-only post pools its text vector alone.
        (textOnly.Pooled - textOnly.TextEmbedding!).abs().max().item<float>().Should().Be(0);
        (both.Pooled - both.ImageEmbedding!.maximum(both.TextEmbedding!)).abs().max().item<float>().Should().Be(0);

        // Mixed batch: row 0 has no image, row 1 no text.
        var imagePresent = tensor(NoImageRow0);
        var textPresent = tensor(NoTextRow1);
        var mixed = commonSpace
            ? ((CommonSpaceFusionModel)model).forward(pixels, ids, mask, imagePresent, textPresent)
            : ((JointFusionModel)model).forward(pixels, ids, mask, imagePresent, textPresent);
        (mixed.Logits[0] - textOnly.Logits[0]).abs().max().item<float>().Should().BeLessThan(1e-6f);
        (mixed.Logits[1] - imageOnly.Logits[1]).abs().max().item<float>().Should().BeLessThan(1e-6f);
        (mixed.Logits[2] - both.Logits[2]).abs().max().item<float>().Should().BeLessThan(1e-6f);

        var neither = tensor(NoImageRow0);
        ((Func<PooledFusionOutput>)(() => (model as JointFusionModel)?.forward(pixels, ids, mask, neither, neither) ?? ((CommonSpaceFusionModel)model).forward(pixels, ids, mask, neither, neither)))
            .Should().Throw<ArgumentException>().WithMessage("*neither*");
        ((Action)(() => model.call(null, null, null))).Should().Throw<ArgumentException>();

        if (model is CommonSpaceFusionModel cs)
        {
            cs.train();
            var o = cs.forward(pixels, ids, mask, imagePresent, textPresent);
            var loss = nn.functional.cross_entropy(o.Logits, labels) + cs.AuxiliaryLoss(o, labels);
            double.IsFinite(loss.item<float>()).Should().BeTrue();
            loss.backward();
        }
    }
}

using System;
using System.Linq;
using AuxLosses.Models;
using AuxLosses.Tests.Infrastructure;
using FluentAssertions;
using TorchSharp;
using static TorchSharp.torch;

namespace AuxLosses.Models.Tests.Fusion;

public sealed class FusionHeadTests
{
    private static TorchSharp.Modules.Parameter Param(nn.Module module, string name) => module.named_parameters().Single(p => p.name == name).parameter;

    private static readonly long[] ImageRows = [0, 2];
    private static readonly long[] TextRows = [1, 1];

    private static FusionFeatures Features(long n, long ht, long hv, long tokens = 3, int seed = 1)
    {
        var g = new Generator((ulong)seed);
        return new FusionFeatures(
            randn(n, ht, dtype: ScalarType.Float64, generator: g),
            randn(n, hv, dtype: ScalarType.Float64, generator: g),
            ImageTokens: randn(n, tokens, hv, dtype: ScalarType.Float64, generator: g));
    }

    private static void AssertClose(Tensor actual, Tensor expected, double tol = 1e-10) =>
        (actual - expected).abs().max().item<double>().Should().BeLessThan(tol);

    [Fact]
    public void Concat_IsReluOfLinearOfConcatenation()
    {
        using var scope = NewDisposeScope();
        var head = new ConcatFusion(4, 3, 5).to(ScalarType.Float64);
        var f = Features(2, 4, 3);
        var expected = nn.functional.relu(cat([f.TextPooled, f.ImagePooled], 1).matmul(Param(head, "linear_fusion.weight").t()) + Param(head, "linear_fusion.bias"));
        var actual = head.call(f);
        actual.shape.Should().Equal(2, 5);
        AssertClose(actual, expected);
    }

    [Fact]
    public void Attention_MatchesScaledDotProductFormulaOfTheRepo()
    {
        using var scope = NewDisposeScope();
        var head = new AttentionFusion(4, 3, 6).to(ScalarType.Float64);
        var f = Features(2, 4, 3, tokens: 5);
        Tensor Lin(Tensor x, string n) => x.matmul(Param(head, n + ".weight").t()) + Param(head, n + ".bias");

        // The repo's form: all text tokens query; keep position 0. Here the CLS state is TextPooled.
        var q = Lin(f.TextPooled, "fc_Q").unsqueeze(1);
        var k = Lin(f.ImageTokens!, "fc_K");
        var v = Lin(f.ImageTokens!, "fc_V");
        var attn = nn.functional.softmax(q.matmul(k.transpose(1, 2)) * Math.Pow(6, -0.5), -1);
        var context = attn.matmul(v).squeeze(1);
        var expected = nn.functional.relu(Lin(cat([f.TextPooled, context], 1), "linear_fusion"));
        AssertClose(head.call(f), expected);
        AssertClose(head.AttentionWeights(f).sum(1), ones(2, dtype: ScalarType.Float64));
    }

    [Fact]
    public void Attention_WithoutImageTokens_Throws()
    {
        using var scope = NewDisposeScope();
        var head = new AttentionFusion(4, 3, 6);
        var act = () => head.call(new FusionFeatures(randn(2, 4), randn(2, 3)));
        act.Should().Throw<ArgumentException>().WithMessage("*ImageTokens*");
    }

    [Fact]
    public void Gmu_IsArevaloGatedSum_GateInUnitIntervalAndLearned()
    {
        using var scope = NewDisposeScope();
        var head = new GatedMultimodalUnit(4, 3, 5).to(ScalarType.Float64);
        var f = Features(3, 4, 3);
        var z = (cat([f.TextPooled, f.ImagePooled], 1).matmul(Param(head, "gate.weight").t()) + Param(head, "gate.bias")).sigmoid();
        var ht = f.TextPooled.matmul(Param(head, "text_projection.weight").t()).tanh();
        var hv = f.ImagePooled.matmul(Param(head, "image_projection.weight").t()).tanh();
        AssertClose(head.call(f), z * ht + (1 - z) * hv);

        var gate = head.Gate(f);
        gate.min().item<double>().Should().BeGreaterThan(0);
        gate.max().item<double>().Should().BeLessThan(1);

        // The gate has parameters and they receive gradient: one SGD step changes it.
        var optimizer = optim.SGD(head.parameters(), 0.5);
        head.call(f).sum().backward();
        foreach (var p in head.parameters())
        {
            p.grad!.abs().sum().item<double>().Should().BeGreaterThan(0);
        }

        optimizer.step();
        (head.Gate(f) - gate).abs().max().item<double>().Should().BeGreaterThan(1e-6);
    }

    [Fact]
    public void AspectAttention_MatchesFormula()
    {
        using var scope = NewDisposeScope();
        var head = new AspectAttentionFusion(4, 4).to(ScalarType.Float64);
        var f = Features(3, 4, 4);
        var w = Param(head, "aspectattention.weight");
        var b = Param(head, "aspectattention.bias");
        var et = (f.TextPooled.matmul(w.t()) + b).tanh();
        var ev = (f.ImagePooled.matmul(w.t()) + b).tanh();
        var a = nn.functional.softmax(cat([et, ev], 1), 1);
        var expected = nn.functional.relu(a[.., 0..1] * f.TextPooled + a[.., 1..2] * f.ImagePooled);
        AssertClose(head.call(f), expected);
        AssertClose(head.ModalityWeights(f), a);
    }

    [Fact]
    public void AspectAttention_EachPostDependsOnlyOnItself_UnlikeTheReposReshape()
    {
        using var scope = NewDisposeScope();
        var head = new AspectAttentionFusion(4, 4).to(ScalarType.Float64);
        var f = Features(3, 4, 4, seed: 7);
        var batched = head.call(f);
        for (var n = 0; n < 3; n++)
        {
            var one = head.call(new FusionFeatures(f.TextPooled[n..(n + 1)], f.ImagePooled[n..(n + 1)]));
            AssertClose(batched[n..(n + 1)], one);
        }

        // The repo: V = reshape(stack((t, v), dim=0), (N, 2, E)) mixes posts; its row 0 is (text 0, text 1).
        var w = Param(head, "aspectattention.weight");
        var b = Param(head, "aspectattention.bias");
        var repoV = stack([f.TextPooled, f.ImagePooled], 0).reshape(3, 2, 4);
        var repoA = nn.functional.softmax((repoV.matmul(w.t()) + b).tanh(), 1).transpose(1, 2);
        var repo = nn.functional.relu(repoA.matmul(repoV).squeeze(1));
        (repo - batched).abs().max().item<double>().Should().BeGreaterThan(1e-3);
    }

    [Fact]
    public void AspectAttention_WithProjections_HandlesDifferentWidths()
    {
        using var scope = NewDisposeScope();
        var head = new AspectAttentionFusion(4, 6, 5);
        head.call(new FusionFeatures(randn(2, 4), randn(2, 6))).shape.Should().Equal(2, 5);
        var act = () => new AspectAttentionFusion(4, 6);
        act.Should().Throw<ArgumentException>();
    }

    [Fact]
    public void Heads_RejectBadInput()
    {
        using var scope = NewDisposeScope();
        FusionHead[] heads = [new ConcatFusion(4, 3, 5), new GatedMultimodalUnit(4, 3, 5), new AttentionFusion(4, 3, 5)];
        foreach (var head in heads)
        {
            ((Action)(() => head.call(new FusionFeatures(randn(2, 5), randn(2, 3), ImageTokens: randn(2, 2, 3))))).Should().Throw<ArgumentException>().WithMessage("*TextPooled*");
            ((Action)(() => head.call(new FusionFeatures(randn(2, 4), randn(3, 3), ImageTokens: randn(2, 2, 3))))).Should().Throw<ArgumentException>().WithMessage("*ImagePooled*");
            ((Action)(() => head.call(new FusionFeatures(ones(2, 4, dtype: ScalarType.Int64), randn(2, 3))))).Should().Throw<ArgumentException>().WithMessage("*floating*");
            ((Action)(() => head.call(new FusionFeatures(randn(2, 4), randn(2, 3), ImageTokens: randn(2, 2, 4))))).Should().Throw<ArgumentException>().WithMessage("*ImageTokens*");
        }
    }

    [Fact]
    public void PairEncoder_FusesImageIWithTextJ()
    {
        using var scope = NewDisposeScope();
        var head = new AttentionFusion(4, 3, 5).to(ScalarType.Float64);
        var f = Features(3, 4, 3);
        var pairs = new FusionPairEncoder(f, head);
        var images = tensor(ImageRows);
        var fused = pairs.EncodePairs(images, tensor(TextRows));
        var expected = head.call(new FusionFeatures(f.TextPooled[1..2].repeat(2, 1), f.ImagePooled.index_select(0, images), ImageTokens: f.ImageTokens!.index_select(0, images)));
        AssertClose(fused, expected);
        ((Action)(() => pairs.EncodePairs(tensor(3L).unsqueeze(0), tensor(0L).unsqueeze(0)))).Should().Throw<ArgumentException>().WithMessage("*imageIndex*");
        ((Action)(() => pairs.EncodePairs(tensor(0L).unsqueeze(0), tensor(0).unsqueeze(0)))).Should().Throw<ArgumentException>().WithMessage("*textIndex*");
    }

    [Fact]
    public void Heads_DoNotLeakTensors()
    {
        FusionHead[] heads = [new ConcatFusion(4, 3, 5), new GatedMultimodalUnit(4, 3, 5), new AttentionFusion(4, 3, 5), new AspectAttentionFusion(4, 3, 5)];
        var f0 = Features(2, 4, 3);
        var f = new FusionFeatures(f0.TextPooled.to(ScalarType.Float32).requires_grad_(), f0.ImagePooled.to(ScalarType.Float32), ImageTokens: f0.ImageTokens!.to(ScalarType.Float32));
        foreach (var head in heads)
        {
            LeakCheck.AssertFlat(() =>
            {
                using var scope = NewDisposeScope();
                head.zero_grad();
                head.call(f).sum().backward();
            });
        }
    }
}

using System;
using System.Linq;
using FluentAssertions;
using TorchSharp;
using Xunit.Abstractions;
using static AuxLosses.Tests.Scale.ScaleTestHelpers;
using static TorchSharp.torch;

namespace AuxLosses.Tests.Scale;

/// <summary>
/// The data-parallel overloads against the full-batch loss. Convention under test (documented on
/// <see cref="IFeatureGatherer"/>): the mean over ranks of the per-rank losses is the full-batch loss, and the mean over
/// ranks of the per-rank gradients of replicated parameters is the full-batch gradient — equivalently, each shard's
/// input gradient divided by WorldSize is the full-batch gradient of those rows.
/// </summary>
public sealed class DistributedEquivalenceTests(ITestOutputHelper output)
{
    private const int Total = 8, D = 5;
    private static readonly long[] AllLabels = { 0, 1, 0, 2, 1, 3, 0, 1 };

    private sealed record RankResult(double Loss, double[] ImageGrad, double[] TextGrad, double[] ParameterGrad);

    private static double[] Flat(Tensor? t)
    {
        using var scope = NewDisposeScope();
        return t is null ? Array.Empty<double>() : t.detach().to_type(ScalarType.Float64).reshape(-1).data<double>().ToArray();
    }

    /// <summary>
    /// Runs <paramref name="rankLoss"/> on every rank's shard and <paramref name="fullLoss"/> on the whole batch,
    /// then compares loss, input gradients and the gradients of a replicated projection W (features = raw·W) after
    /// DDP-style averaging. Returns the largest error.
    /// </summary>
    private double Compare(int world, ScalarType dtype, long[] shape, bool twoInputs,
        Func<Tensor, Tensor, Tensor, IFeatureGatherer?, Tensor> rankLoss, Func<double> tolerance)
    {
        using var scope = NewDisposeScope();
        var rawImage = Randn(100 + world, dtype, shape);
        var rawText = Randn(200 + world, dtype, shape);
        var weight = Randn(300, dtype, D, D);
        var labels = Labels(AllLabels);

        RankResult Step(Tensor image, Tensor text, Tensor rankLabels, IFeatureGatherer? gatherer)
        {
            using var inner = NewDisposeScope();
            var w = weight.clone().requires_grad_(true);
            var x = image.clone().requires_grad_(true);
            var y = text.clone().requires_grad_(true);
            var loss = rankLoss(x.matmul(w), y.matmul(w), rankLabels, gatherer);
            loss.backward();
            return new RankResult(loss.to_type(ScalarType.Float64).item<double>(), Flat(x.grad), twoInputs ? Flat(y.grad) : Array.Empty<double>(), Flat(w.grad));
        }

        var full = Step(rawImage, rawText, labels, null);
        using var cluster = new SimulatedCluster(world);
        var share = Total / world;
        var ranks = cluster.Run(g => Step(rawImage.narrow(0, g.Rank * share, share), rawText.narrow(0, g.Rank * share, share), labels.narrow(0, g.Rank * share, share), g));
        cluster.Gathers.Should().BeGreaterThan(0);

        var lossError = Math.Abs(ranks.Average(r => r.Loss) - full.Loss);
        var imageError = ranks.SelectMany(r => r.ImageGrad).Zip(full.ImageGrad, (a, b) => Math.Abs(a / world - b)).Max();
        var textError = twoInputs ? ranks.SelectMany(r => r.TextGrad).Zip(full.TextGrad, (a, b) => Math.Abs(a / world - b)).Max() : 0;
        var parameterError = Enumerable.Range(0, full.ParameterGrad.Length).Max(k => Math.Abs(ranks.Average(r => r.ParameterGrad[k]) - full.ParameterGrad[k]));
        output.WriteLine($"N={world} {dtype}: |Δloss|={lossError:E2} |Δ∂image|={imageError:E2} |Δ∂text|={textError:E2} |Δ∂W|={parameterError:E2}");
        var tol = tolerance();
        lossError.Should().BeLessThan(tol);
        imageError.Should().BeLessThan(tol);
        textError.Should().BeLessThan(tol);
        parameterError.Should().BeLessThan(tol);
        full.ImageGrad.Max(Math.Abs).Should().BeGreaterThan(1e-3, "the comparison must not be between vanishing gradients");
        return Math.Max(Math.Max(lossError, imageError), Math.Max(textError, parameterError));
    }

    private static double Tolerance(ScalarType dtype) => dtype == ScalarType.Float64 ? 1e-10 : 1e-5;

    public static TheoryData<int, bool, ScalarType> Cases()
    {
        var data = new TheoryData<int, bool, ScalarType>();
        foreach (var world in new[] { 1, 2, 4 })
        {
            foreach (var labels in new[] { false, true })
            {
                foreach (var dtype in new[] { ScalarType.Float32, ScalarType.Float64 })
                {
                    data.Add(world, labels, dtype);
                }
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Clip_local_loss_reproduces_the_full_batch_loss_and_gradients(int world, bool withLabels, ScalarType dtype)
    {
        using var loss = Clip(4.0, smoothing: 0.1, wi: 0.4, wt: 0.6);
        Compare(world, dtype, new long[] { Total, D }, twoInputs: true, (x, y, labels, g) => (g, withLabels) switch
        {
            (null, false) => loss.forward(x, y),
            (null, true) => loss.forward(x, y, labels),
            (_, false) => loss.forward(x, y, g),
            (_, true) => loss.forward(x, y, labels, g),
        }, () => Tolerance(dtype));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Sigmoid_local_loss_reproduces_the_full_batch_loss_and_gradients(int world, bool withLabels, ScalarType dtype)
    {
        using var loss = Sig(5.0, -3.0);
        Compare(world, dtype, new long[] { Total, D }, twoInputs: true, (x, y, labels, g) => (g, withLabels) switch
        {
            (null, false) => loss.forward(x, y),
            (null, true) => loss.forward(x, y, labels),
            (_, false) => loss.forward(x, y, g),
            (_, true) => loss.forward(x, y, labels, g),
        }, () => Tolerance(dtype));
    }

    [Theory]
    [InlineData(1, SupConContrastMode.All, SupConVariant.Khosla, 2)]
    [InlineData(2, SupConContrastMode.All, SupConVariant.Khosla, 2)]
    [InlineData(4, SupConContrastMode.All, SupConVariant.Khosla, 2)]
    [InlineData(4, SupConContrastMode.All, SupConVariant.Khosla, 3)]
    [InlineData(2, SupConContrastMode.One, SupConVariant.Khosla, 3)]
    [InlineData(4, SupConContrastMode.One, SupConVariant.Khosla, 3)]
    [InlineData(4, SupConContrastMode.All, SupConVariant.SppSclReference, 2)]
    public void SupCon_local_loss_reproduces_the_full_batch_loss_and_gradients(int world, SupConContrastMode mode, SupConVariant variant, int rank)
    {
        using var loss = new SupervisedContrastiveLoss(new SupervisedContrastiveOptions { Temperature = 0.5, BaseTemperature = 0.7, ContrastMode = mode, Variant = variant });
        // rank 2: [B, D] (labels 2 and 3 are single: anchors without positives, unevenly spread over the ranks); 3: [B, 2, D].
        var shape = rank == 2 ? new long[] { Total, D } : new long[] { Total, 2, D };
        foreach (var dtype in new[] { ScalarType.Float32, ScalarType.Float64 })
        {
            Compare(world, dtype, shape, twoInputs: false, (x, _, labels, g) => g is null ? loss.forward(x, labels) : loss.forward(x, labels, g), () => Tolerance(dtype));
        }
    }

    [Fact]
    public void Without_the_backward_collective_the_local_loss_would_miss_cross_rank_terms()
    {
        // Guards the test itself: a gatherer whose ReduceScatter drops the other ranks' contributions must fail the comparison.
        using var scope = NewDisposeScope();
        using var loss = Clip(4.0);
        var image = Randn(1, ScalarType.Float64, Total, D);
        var text = Randn(2, ScalarType.Float64, Total, D);
        var full = image.clone().requires_grad_(true);
        loss.forward(full, text).backward();
        using var cluster = new SimulatedCluster(2);
        var grads = cluster.Run(g =>
        {
            using var inner = NewDisposeScope();
            var x = image.narrow(0, g.Rank * 4, 4).clone().requires_grad_(true);
            loss.forward(x, text.narrow(0, g.Rank * 4, 4), new LocalOnly(g)).backward();
            return Flat(x.grad);
        });
        var error = grads.SelectMany(a => a).Zip(Flat(full.grad), (a, b) => Math.Abs(a / 2 - b)).Max();
        error.Should().BeGreaterThan(1e-3);
    }

    private sealed class LocalOnly(IFeatureGatherer inner) : IFeatureGatherer
    {
        public int Rank => inner.Rank;

        public int WorldSize => inner.WorldSize;

        public Tensor AllGather(Tensor local) => inner.AllGather(local);

        // The "replace the local slice, no communication in backward" shortcut: only this rank's own contribution.
        public Tensor ReduceScatter(Tensor gathered) => gathered.narrow(0, Rank * (gathered.shape[0] / WorldSize), gathered.shape[0] / WorldSize).clone();
    }
}

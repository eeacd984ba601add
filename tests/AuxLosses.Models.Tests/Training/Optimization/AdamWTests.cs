using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using FluentAssertions;
using TorchSharp;
using TorchSharp.Modules;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace AuxLosses.Models.Tests.Training.Optimization;

/// <summary>
/// <see cref="AdamW"/> against TorchSharp's and PyTorch's AdamW, by hand, through a state round trip, and for leaks.
/// Serial: the leak test counts live tensors process-wide and the round trip compares runs bitwise.
/// </summary>
[Collection(TrainingCollection.Name)]
public sealed class AdamWTests(ITestOutputHelper output)
{
    [Fact]
    public void MatchesTorchSharpAdamW_OverTwentySteps_WithGroupsLrChangesAndAParameterWithoutGrad()
    {
        using var scope = NewDisposeScope();
        var generator = new Generator(42);
        // Group 0: decayed matrices; group 1: no decay; "frozen" never gets a gradient.
        long[][] shapes = [[4, 3], [3, 5], [5], [3], [2, 2]];
        string[] names = ["w1", "w2", "b1", "b2", "frozen"];
        var initial = shapes.Select(s => randn(s, generator: generator)).ToArray();
        var ours = initial.Select(t => new Parameter(t.clone())).ToArray();
        var theirs = initial.Select(t => new Parameter(t.clone())).ToArray();
        int[][] groupMembers = [[0, 1], [2, 3, 4]];
        double[] learningRates = [1e-2, 5e-3];
        double[] weightDecays = [0.05, 0.0];

        using var optimizer = new AdamW(
            groupMembers.Select((members, g) => new AdamWParameterGroup(members.Select(i => (names[i], ours[i])), learningRates[g], weightDecays[g])),
            beta1: 0.9,
            beta2: 0.999,
            epsilon: 1e-8);
        var referenceGroups = groupMembers
            .Select((members, g) => new TorchSharp.Modules.AdamW.ParamGroup(members.Select(i => theirs[i]), learningRates[g], 0.9, 0.999, 1e-8, weightDecays[g]))
            .ToArray();
        using var reference = optim.AdamW(referenceGroups, 1e-3, 0.9, 0.999, 1e-8, 0.0);

        var maxRelative = 0.0;
        for (var step = 0; step < 20; step++)
        {
            using var stepScope = NewDisposeScope();
            if (step == 8)
            {
                optimizer.ParameterGroups[0].LearningRate = referenceGroups[0].LearningRate = 2e-3;
                optimizer.ParameterGroups[1].LearningRate = referenceGroups[1].LearningRate = 2e-2;
            }

            for (var i = 0; i < 4; i++)
            {
                var grad = randn(shapes[i], generator: generator);
                ours[i].grad = grad.clone();
                theirs[i].grad = grad.clone();
            }

            optimizer.Step();
            reference.step();
            for (var i = 0; i < ours.Length; i++)
            {
                maxRelative = Math.Max(maxRelative, MaxRelativeDifference(ours[i], theirs[i]));
            }
        }

        output.WriteLine($"max relative difference to TorchSharp's AdamW over 20 steps: {maxRelative:E3}");
        maxRelative.Should().BeLessThanOrEqualTo(1e-6);
        Same(ours[4], initial[4]).Should().BeTrue("a parameter without gradient is not touched, not even by weight decay");
        optimizer.GetStepCount("frozen").Should().Be(0);
        optimizer.GetStepCount("w1").Should().Be(20);
        Same(ours[0], initial[0]).Should().BeFalse();
    }

    [Fact]
    public void MatchesPyTorchAdamW_Fixture()
    {
        var fixture = AdamWFixture.Load();
        using var scope = NewDisposeScope();
        var parameters = fixture.Shapes.ToDictionary(kv => kv.Key, kv => new Parameter(FromValues(fixture.Initial[kv.Key], kv.Value)));
        using var optimizer = new AdamW(
            fixture.Groups.Select(g => new AdamWParameterGroup(g.Params.Select(n => (n, parameters[n])), g.Lr, g.WeightDecay)),
            fixture.Betas[0],
            fixture.Betas[1],
            fixture.Eps);
        var maxAbsolute = 0.0;
        var maxRelative = 0.0;
        foreach (var step in fixture.Steps)
        {
            using var stepScope = NewDisposeScope();
            for (var g = 0; g < step.Lr.Length; g++)
            {
                optimizer.ParameterGroups[g].LearningRate = step.Lr[g];
            }

            foreach (var (name, grad) in step.Grads)
            {
                parameters[name].grad = grad is null ? null : FromValues(grad, fixture.Shapes[name]);
            }

            optimizer.Step();
            foreach (var (name, expected) in step.Params)
            {
                var actual = parameters[name].data<float>().ToArray();
                for (var j = 0; j < expected.Length; j++)
                {
                    var difference = Math.Abs(actual[j] - expected[j]);
                    maxAbsolute = Math.Max(maxAbsolute, difference);
                    maxRelative = Math.Max(maxRelative, difference / Math.Max(Math.Abs(expected[j]), 1e-3));
                }

                optimizer.GetStepCount(name).Should().Be(step.StepCounts[name], $"{name}'s step count (PyTorch {fixture.TorchVersion})");
            }
        }

        output.WriteLine($"max difference to torch.optim.AdamW ({fixture.TorchVersion}): absolute {maxAbsolute:E3}, relative {maxRelative:E3}");
        maxRelative.Should().BeLessThanOrEqualTo(1e-6);
    }

    [Fact]
    public void TwoSteps_OfAScalar_MatchTheHandComputedUpdate()
    {
        using var scope = NewDisposeScope();
        var p = new Parameter(tensor(1.0, dtype: ScalarType.Float64));
        using var optimizer = new AdamW([new AdamWParameterGroup([("p", p)], learningRate: 0.1, weightDecay: 0.01)], 0.9, 0.999, 1e-8);

        p.grad = tensor(0.5, dtype: ScalarType.Float64);
        optimizer.Step();
        // t = 1: p = 1·(1 − 0.1·0.01) = 0.999; m = 0.1·0.5 = 0.05; v = 0.001·0.25 = 2.5e-4;
        // p −= 0.1/(1 − 0.9) · 0.05 / (√2.5e-4 / √(1 − 0.999) + 1e-8) = 0.05 / (0.5 + 1e-8)
        var p1 = 0.999 - (0.05 / (0.5 + 1e-8));
        p.item<double>().Should().BeApproximately(p1, 1e-12);

        p.grad = tensor(-0.25, dtype: ScalarType.Float64);
        optimizer.Step();
        // t = 2: p ·= 0.999; m = 0.9·0.05 − 0.1·0.25 = 0.02; v = 0.999·2.5e-4 + 0.001·0.0625 = 3.1225e-4;
        // bc1 = 1 − 0.81 = 0.19; bc2 = 1 − 0.998001 = 0.001999
        var p2 = (p1 * 0.999) - (0.1 / 0.19 * 0.02 / ((Math.Sqrt(3.1225e-4) / Math.Sqrt(0.001999)) + 1e-8));
        p.item<double>().Should().BeApproximately(p2, 1e-12);
        optimizer.GetStepCount("p").Should().Be(2);
    }

    [Fact]
    public void SaveAndLoadState_RoundTripBitwise_AndContinueIdentically()
    {
        using var scope = NewDisposeScope();
        using var directory = new TempDirectory();
        var generator = new Generator(5);
        long[][] shapes = [[3, 4], [4], [2]];
        var grads = Enumerable.Range(0, 10).Select(_ => shapes.Select(s => randn(s, generator: generator)).ToArray()).ToArray();
        var first = shapes.Select(s => new Parameter(randn(s, generator: generator))).ToArray();
        using var a = Build(first);
        for (var step = 0; step < 5; step++)
        {
            // The last parameter only gets a gradient on even steps: its step count differs from the others'.
            Feed(first, grads[step], withLast: step % 2 == 0);
            a.Step();
        }

        a.ParameterGroups[1].LearningRate = 0.0123;
        a.ParameterGroups[1].WeightDecay = 0.5;
        var path = Path.Combine(directory.Path, "adamw.safetensors");
        a.SaveState(path);
        var second = first.Select(p => new Parameter(p.detach().clone())).ToArray();
        using var b = Build(second);
        b.LoadState(path);

        b.ParameterGroups[1].LearningRate.Should().Be(0.0123);
        b.ParameterGroups[1].WeightDecay.Should().Be(0.5);
        b.GetStepCount("c").Should().Be(3);
        b.GetStepCount("a").Should().Be(5);
        var again = Path.Combine(directory.Path, "again.safetensors");
        b.SaveState(again);
        File.ReadAllBytes(again).Should().Equal(File.ReadAllBytes(path), "moments, step counts and settings survive bitwise");

        for (var step = 5; step < 10; step++)
        {
            Feed(first, grads[step], withLast: true);
            Feed(second, grads[step], withLast: true);
            a.Step();
            b.Step();
        }

        for (var i = 0; i < first.Length; i++)
        {
            Same(first[i], second[i]).Should().BeTrue($"parameter {i} continues bitwise");
        }

        static AdamW Build(Parameter[] p) => new(
            [new AdamWParameterGroup([("a", p[0])], 1e-2, 0.1), new AdamWParameterGroup([("b", p[1]), ("c", p[2])], 3e-2)],
            0.8,
            0.99,
            1e-7);

        static void Feed(Parameter[] p, Tensor[] g, bool withLast)
        {
            for (var i = 0; i < p.Length; i++)
            {
                p[i].grad = i == p.Length - 1 && !withLast ? null : g[i].clone();
            }
        }
    }

    [Fact]
    public void LoadState_RejectsOtherGroupsAndShapes()
    {
        using var scope = NewDisposeScope();
        using var directory = new TempDirectory();
        var p = new Parameter(ones(3));
        using var optimizer = new AdamW([new AdamWParameterGroup([("p", p)], 1e-2)]);
        p.grad = ones(3);
        optimizer.Step();
        var path = Path.Combine(directory.Path, "state.safetensors");
        optimizer.SaveState(path);

        using var renamed = new AdamW([new AdamWParameterGroup([("q", new Parameter(ones(3)))], 1e-2)]);
        ((Action)(() => renamed.LoadState(path))).Should().Throw<InvalidDataException>().WithMessage("*groups*");
        using var reshaped = new AdamW([new AdamWParameterGroup([("p", new Parameter(ones(4)))], 1e-2)]);
        ((Action)(() => reshaped.LoadState(path))).Should().Throw<InvalidDataException>().WithMessage("*p.exp_avg*[3]*[4]*");
        var weights = Path.Combine(directory.Path, "weights.safetensors");
        SafeTensors.Save(weights, new Dictionary<string, Tensor> { ["p"] = ones(3) });
        ((Action)(() => optimizer.LoadState(weights))).Should().Throw<InvalidDataException>().WithMessage("*not an AdamW state*");
        optimizer.GetStepCount("p").Should().Be(1, "a failed load leaves the state as it was");
    }

    [Fact]
    public void LearningRateChange_TakesEffectAtTheNextStep()
    {
        using var scope = NewDisposeScope();
        var p = new Parameter(ones(4));
        var q = new Parameter(ones(4));
        using var optimizer = new AdamW([new AdamWParameterGroup([("p", p)], 0.1, 0.01), new AdamWParameterGroup([("q", q)], 0.1)]);
        for (var step = 0; step < 3; step++)
        {
            p.grad = ones(4);
            q.grad = ones(4);
            optimizer.Step();
        }

        var pBefore = p.detach().clone();
        var qBefore = q.detach().clone();
        optimizer.ParameterGroups[0].LearningRate = 0;
        p.grad = ones(4);
        q.grad = ones(4);
        optimizer.Step();

        Same(p, pBefore).Should().BeTrue("lr = 0 stops both the update and the decoupled decay (1 − lr·wd = 1)");
        Same(q, qBefore).Should().BeFalse("the other group keeps its rate");
        optimizer.GetStepCount("p").Should().Be(4, "the step still counts");
        ((Action)(() => optimizer.ParameterGroups[0].LearningRate = double.NaN)).Should().Throw<ArgumentOutOfRangeException>().WithMessage("*LearningRate*");
    }

    [Fact]
    public void ZeroGrad_SetsGradientsToNone_AndSuchParametersAreSkipped()
    {
        using var scope = NewDisposeScope();
        var p = new Parameter(ones(2));
        using var optimizer = new AdamW([new AdamWParameterGroup([("p", p)], 0.1, 0.1)]);
        p.grad = ones(2);
        optimizer.ZeroGrad();
        ((object?)p.grad).Should().BeNull();
        optimizer.Step();
        Same(p, ones(2)).Should().BeTrue();
        optimizer.GetStepCount("p").Should().Be(0);
    }

    [Fact]
    public void LiveTensors_StayFlat_Over100Steps()
    {
        using var model = nn.Linear(6, 3);
        using var optimizer = new AdamW([new AdamWParameterGroup(model.named_parameters(), 1e-2, 0.01)]);
        var generator = new Generator(3);
        var counts = new List<long>();
        var before = DisposeScopeManager.Statistics.TensorStatistics.ThreadTotalLiveCount;
        for (var step = 0; step < 100; step++)
        {
            using (var scope = NewDisposeScope())
            {
                var x = randn([8, 6], generator: generator);
                var loss = model.forward(x).square().mean();
                optimizer.ZeroGrad();
                loss.backward();
                optimizer.Step();
            }

            counts.Add(DisposeScopeManager.Statistics.TensorStatistics.ThreadTotalLiveCount);
        }

        counts.Should().OnlyContain(c => c == counts[0], $"live tensors per step: {string.Join(", ", counts.Distinct())}");
        optimizer.Dispose();
        DisposeScopeManager.Statistics.TensorStatistics.ThreadTotalLiveCount.Should().BeLessThanOrEqualTo(before, "disposing the optimizer frees its moments");
    }

    [Fact]
    public void Step_SurvivesAConcurrentFinalizerThread()
    {
        // The failure this optimizer exists for: a temporary Scalar finalized while the native op reads it. Collecting
        // and finalizing in a tight loop beside the steps gives the finalizer every chance to run at the wrong moment.
        // A smoke test, not a proof: TorchSharp's optim.AdamW under the same loop failed after ~12,000 steps
        // (c10::Scalar error in addcdiv_), more than this test can afford; this optimizer survived 2 × 20,000.
        // Sized for the suite's time budget.
        using var scope = NewDisposeScope();
        var parameters = Enumerable.Range(0, 4).Select(i => (i.ToString(System.Globalization.CultureInfo.InvariantCulture), new Parameter(ones(16)))).ToArray();
        using var optimizer = new AdamW([new AdamWParameterGroup(parameters, 1e-3, 0.01)]);
        using var stop = new System.Threading.CancellationTokenSource();
        var collector = new System.Threading.Thread(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                GC.Collect();
                GC.WaitForPendingFinalizers();
            }
        })
        { IsBackground = true };
        collector.Start();
        try
        {
            for (var step = 0; step < 2000; step++)
            {
                using var stepScope = NewDisposeScope();
                foreach (var (_, p) in parameters)
                {
                    p.grad = full(16, 0.5f);
                }

                optimizer.Step();
            }
        }
        finally
        {
            stop.Cancel();
            collector.Join();
        }

        optimizer.GetStepCount("0").Should().Be(2000);
        parameters.Should().OnlyContain(p => p.Item2.isfinite().all().item<bool>());
    }

    [Fact]
    public void Construction_ValidatesSettingsAndNames()
    {
        using var scope = NewDisposeScope();
        var p = new Parameter(ones(2));
        AdamWParameterGroup Group() => new([("p", p)], 1e-3);
        ((Action)(() => _ = new AdamW([Group()], beta1: 1.0))).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("beta1");
        ((Action)(() => _ = new AdamW([Group()], beta2: -0.1))).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("beta2");
        ((Action)(() => _ = new AdamW([Group()], epsilon: double.NaN))).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("epsilon");
        ((Action)(() => _ = new AdamW([]))).Should().Throw<ArgumentException>().WithMessage("*at least one*");
        ((Action)(() => _ = new AdamW([Group(), Group()]))).Should().Throw<ArgumentException>().WithMessage("*'p'*more than one group*");
        ((Action)(() => _ = new AdamWParameterGroup([("p", p), ("p", p)], 1e-3))).Should().Throw<ArgumentException>().WithMessage("*'p' occurs twice*");
        ((Action)(() => _ = new AdamWParameterGroup([("p", p)], 1e-3, weightDecay: -1))).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("WeightDecay");
        ((Action)(() => _ = new AdamW([Group()]).GetStepCount("nope"))).Should().Throw<ArgumentException>().WithMessage("*'nope'*");
    }

    // Same dtype, shape and values (element-wise ==).
    private static bool Same(Tensor a, Tensor b)
    {
        using var scope = NewDisposeScope();
        return a.dtype == b.dtype && a.shape.SequenceEqual(b.shape) && a.eq(b).all().item<bool>();
    }

    private static Tensor FromValues(double[] values, long[] shape) =>
        tensor(values.Select(v => (float)v).ToArray()).reshape(shape);

    private static double MaxRelativeDifference(Tensor actual, Tensor expected)
    {
        using var scope = NewDisposeScope();
        var a = actual.detach().to(ScalarType.Float64).data<double>().ToArray();
        var e = expected.detach().to(ScalarType.Float64).data<double>().ToArray();
        return a.Zip(e).Select(x => Math.Abs(x.First - x.Second) / Math.Max(Math.Abs(x.Second), 1e-3)).DefaultIfEmpty(0).Max();
    }

    private sealed class TempDirectory : IDisposable
    {
        public string Path { get; } = Directory.CreateTempSubdirectory("adamw-").FullName;

        public void Dispose() => Directory.Delete(Path, recursive: true);
    }
}

/// <summary>Fixtures/adamw.json, written by Fixtures/generate_adamw.py with torch.optim.AdamW.</summary>
internal sealed record AdamWFixture(
    string TorchVersion,
    double[] Betas,
    double Eps,
    Dictionary<string, long[]> Shapes,
    AdamWFixture.Group[] Groups,
    Dictionary<string, double[]> Initial,
    AdamWFixture.StepRecord[] Steps)
{
    private static readonly JsonSerializerOptions Options = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public static AdamWFixture Load() =>
        JsonSerializer.Deserialize<AdamWFixture>(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "adamw.json")), Options)
        ?? throw new InvalidDataException("adamw.json is empty.");

    internal sealed record Group(string Name, double Lr, double WeightDecay, string[] Params);

    internal sealed record StepRecord(double[] Lr, Dictionary<string, double[]?> Grads, Dictionary<string, double[]> Params, Dictionary<string, long> StepCounts);
}

using System;
using System.Diagnostics;
using System.Threading;
using AuxLosses.Models.Tests.Encoders.Text;
using FluentAssertions;
using TorchSharp;
using static TorchSharp.torch;

namespace AuxLosses.Models.Tests.ScalarLifetime;

/// <summary>
/// Runs encoder and loss forward/backward passes while another thread forces collections and finalizers, the
/// conditions under which a temporary TorchSharp scalar is freed mid-call ("Expected false to be true ... toFloat
/// at c10/core/Scalar.h"). Probabilistic: it passing says little on its own; the source scan is the guarantee.
/// </summary>
public sealed class ScalarFinalizerStressTests
{
    private static readonly TimeSpan Duration = TimeSpan.FromSeconds(2);

    [Fact]
    public void Forward_and_backward_survive_concurrent_finalization()
    {
        using var bert = BertFixture.TinyModel();
        using var roberta = BertFixture.TinyModel("roberta");
        using var clip = new ImageTextContrastiveLoss();
        using var supCon = new SupervisedContrastiveLoss();
        using var generator = new Generator(11);

        using var stop = new CancellationTokenSource();
        var pressure = new Thread(() =>
        {
            // Garbage with finalizers (scalars are exactly that), then collect and run the finalizers, in a loop.
            while (!stop.IsCancellationRequested)
            {
                for (var i = 0; i < 200; i++)
                {
                    _ = ((double)i).ToScalar();
                }

                GC.Collect();
                GC.WaitForPendingFinalizers();
            }
        });
        pressure.Start();
        using var one = 1.ToScalar();

        var steps = 0;
        try
        {
            var watch = Stopwatch.StartNew();
            while (watch.Elapsed < Duration)
            {
                using var scope = NewDisposeScope();
                var ids = randint(2, 100, [4, 8], generator: generator);
                var mask = ones(4, 8, dtype: ScalarType.Int64);
                var text = bert.forward(ids, mask, null).Pooled!;
                var tokens = roberta.forward(ids, mask, null).LastHiddenState.mean([1]);
                var image = randn([4, 32], generator: generator).requires_grad_();
                var loss = clip.forward(image, text).add(supCon.forward(tokens, tensor(new long[] { 0, 1, 0, 1 })), one);
                loss.backward();
                loss.isfinite().item<bool>().Should().BeTrue();
                steps++;
            }
        }
        finally
        {
            stop.Cancel();
            pressure.Join();
        }

        steps.Should().BePositive();
    }
}

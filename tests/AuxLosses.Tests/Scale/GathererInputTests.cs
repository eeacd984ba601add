using System;
using AuxLosses.Tests.Infrastructure;
using FluentAssertions;
using TorchSharp;
using static AuxLosses.Tests.Scale.ScaleTestHelpers;
using static TorchSharp.torch;

namespace AuxLosses.Tests.Scale;

public sealed class GathererInputTests
{
    /// <summary>A single-process gatherer: rank <see cref="Rank"/> of 2, the other rank's rows derived from this rank's (reversed, shifted).</summary>
    private sealed class FixedPeer(int rank, Func<Tensor, Tensor>? corrupt = null) : IFeatureGatherer
    {
        public int Rank => rank;

        public int WorldSize => 2;

        public int ReduceScatters;

        public Tensor AllGather(Tensor local)
        {
            var other = is_floating_point(local) ? local.flip(0) * 0.5 + 0.25 : local.flip(0);
            var gathered = rank == 0 ? cat(new[] { local, other }) : cat(new[] { other, local });
            return corrupt is null ? gathered : corrupt(gathered);
        }

        public Tensor ReduceScatter(Tensor gathered)
        {
            ReduceScatters++;
            var n = gathered.shape[0] / 2;
            return gathered.narrow(0, rank * n, n).clone();
        }
    }

    [Fact]
    public void A_gatherer_returning_the_wrong_shape_dtype_or_order_throws_naming_it()
    {
        using var scope = NewDisposeScope();
        using var clip = Clip(2.0);
        using var sig = Sig(2.0, 0.0);
        using var supcon = new SupervisedContrastiveLoss();
        var image = Randn(1, ScalarType.Float64, 3, 4);
        var text = Randn(2, ScalarType.Float64, 3, 4);
        var labels = Labels(0, 1, 0);
        var corruptions = new Func<Tensor, Tensor>[]
        {
            g => g.narrow(0, 0, 3),                    // only this rank's rows
            g => cat(new[] { g, g }),                  // too many rows
            g => g.narrow(-1, 0, 2),                   // wrong width
            g => g.to_type(ScalarType.Float32),        // wrong dtype
            g => g.flip(0),                            // wrong rank order
        };
        foreach (var corrupt in corruptions)
        {
            var gatherer = new FixedPeer(1, corrupt);
            foreach (var bad in new Action[]
                     {
                         () => clip.forward(image, text, gatherer),
                         () => clip.forward(image, text, labels, gatherer),
                         () => sig.forward(image, text, gatherer),
                         () => supcon.forward(image, labels, gatherer),
                     })
            {
                bad.Should().Throw<ArgumentException>().Where(e => e.ParamName == "gatherer" && e.Message.Contains("AllGather"));
            }
        }

        foreach (var rank in new[] { -1, 2 })
        {
            ((Action)(() => clip.forward(image, text, new FixedPeer(rank)))).Should().Throw<ArgumentException>().Where(e => e.ParamName == "gatherer" && e.Message.Contains("Rank"));
        }

        ((Action)(() => clip.forward(image, text, (IFeatureGatherer)null!))).Should().Throw<ArgumentNullException>().Where(e => e.ParamName == "gatherer");
        ((Action)(() => sig.forward(image, text, Labels(0, 1), new FixedPeer(0)))).Should().Throw<ArgumentException>().Where(e => e.ParamName == "labels");
    }

    [Fact]
    public void Backward_sends_the_gathered_gradient_through_ReduceScatter_once_per_gathered_input()
    {
        using var scope = NewDisposeScope();
        using var clip = Clip(2.0);
        var gatherer = new FixedPeer(0);
        var image = Randn(1, ScalarType.Float64, 3, 4).requires_grad_(true);
        var text = Randn(2, ScalarType.Float64, 3, 4).requires_grad_(true);
        clip.forward(image, text, Labels(0, 1, 0), gatherer).backward();
        gatherer.ReduceScatters.Should().Be(2);
        image.grad.Should().NotBeNull();
    }

    [Fact]
    public void Local_mode_training_steps_do_not_leak_tensors()
    {
        using var clip = Clip(5.0, learnable: true);
        using var sig = Sig(10.0, -10.0);
        using var supcon = new SupervisedContrastiveLoss();
        using var labels = Labels(0, 1, 0, 2);
        var gatherer = new FixedPeer(1);
        LeakCheck.AssertFlat(() =>
        {
            using var scope = NewDisposeScope();
            clip.zero_grad();
            sig.zero_grad();
            var image = randn(4, 3).requires_grad_(true);
            var text = randn(4, 3).requires_grad_(true);
            var views = randn(4, 2, 3).requires_grad_(true);
            (clip.forward(image, text, labels, gatherer) + sig.forward(image, text, gatherer) + supcon.forward(views, labels, gatherer)).backward();
        });
    }
}

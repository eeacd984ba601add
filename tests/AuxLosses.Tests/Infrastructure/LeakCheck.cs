using System;
using FluentAssertions;
using TorchSharp;

namespace AuxLosses.Tests.Infrastructure;

/// <summary>Asserts that repeating a training step leaves the number of live tensors on this thread unchanged.</summary>
internal static class LeakCheck
{
    /// <param name="step">One forward/backward step; it must dispose what it creates (e.g. inside a dispose scope).</param>
    public static void AssertFlat(Action step, int steps = 200, int warmup = 3)
    {
        for (var i = 0; i < warmup; i++)
        {
            step();
        }

        var before = DisposeScopeManager.Statistics.TensorStatistics.ThreadTotalLiveCount;
        for (var i = 0; i < steps; i++)
        {
            step();
        }

        var after = DisposeScopeManager.Statistics.TensorStatistics.ThreadTotalLiveCount;
        after.Should().Be(before, $"{steps} steps must not leave tensors alive (before {before}, after {after})");
    }
}

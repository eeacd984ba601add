using System;
using FluentAssertions;
using TorchSharp;

namespace AuxLosses.Models.Tests.Fusion;

/// <summary>Live tensor count stays flat across repeated steps (each step must use its own dispose scope).</summary>
internal static class Leak
{
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
        after.Should().Be(before, $"{steps} steps must not leave tensors alive");
    }
}

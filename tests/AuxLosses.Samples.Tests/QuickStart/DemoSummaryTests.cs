using System;
using AuxLosses.Models;
using AuxLosses.QuickStart;
using FluentAssertions;

namespace AuxLosses.Samples.Tests.QuickStart;

public sealed class DemoSummaryTests
{
    private static readonly SyntheticCeilings Ceilings = SyntheticPosts.ComputeCeilings();

    private static RunResult Run(string objective, int seed, double macroF1, double[] curve, double itd = 1.0) =>
        new(objective, seed, curve, [1.0, 0.5], BestEpoch: 1, macroF1, TestAccuracy: macroF1 + 0.01, Iid: 0.5, Ttd: 0.25, itd, Seconds: 10);

    [Fact]
    public void Aggregates_MeanSampleStd_PairedDeltas_AndCurves_InTheGivenOrder()
    {
        var runs = new[]
        {
            Run("CE+ITC", 2, 0.80, [0.4, 0.8], itd: 0.6),
            Run("CE", 1, 0.70, [0.3, 0.6]),
            Run("CE+ITC", 1, 0.90, [0.5, 0.9], itd: 0.8),
            Run("CE", 2, 0.60, [0.2, 0.5]),
        };

        var summary = DemoSummary.Create(runs, ["CE", "CE+ITC", "SPP-SCL"], Ceilings, DemoSettings.Quick, TimeSpan.FromMinutes(1));

        summary.Objectives.Should().HaveCount(2, "an objective without runs is left out");
        var ce = summary.Objectives[0];
        ce.Objective.Should().Be("CE");
        ce.MacroF1Mean.Should().BeApproximately(0.65, 1e-12);
        ce.MacroF1Std.Should().BeApproximately(Math.Sqrt(0.005), 1e-12);    // (0.05² + 0.05²) / (2 − 1)
        ce.DeltaVsBaselineMean.Should().BeNull();
        var itc = summary.Objectives[1];
        itc.MacroF1Mean.Should().BeApproximately(0.85, 1e-12);
        itc.DeltaVsBaselineMean.Should().BeApproximately(0.20, 1e-12);       // seed 1: 0.9 − 0.7, seed 2: 0.8 − 0.6
        itc.DeltaVsBaselineStd.Should().BeApproximately(0, 1e-12);
        itc.WinsVsBaseline.Should().Be(2);
        ce.WinsVsBaseline.Should().BeNull();
        itc.ValidationCurve.Should().Equal([0.45, 0.85], (a, b) => Math.Abs(a - b) < 1e-12);
        itc.ValidationCurveStd[0].Should().BeApproximately(Math.Sqrt(0.005), 1e-12);
        itc.Itd.Should().BeApproximately(0.7, 1e-12);
        itc.BestEpochMean.Should().Be(2, "best epochs are reported 1-based");
    }

    [Fact]
    public void Table_ListsEveryObjective_WithMeanStdAndDelta()
    {
        var summary = DemoSummary.Create([Run("CE", 1, 0.5, [0.5]), Run("SPP-SCL", 1, 0.75, [0.75])], ["CE", "SPP-SCL"], Ceilings, DemoSettings.Quick, TimeSpan.Zero);

        var table = summary.Table();

        table.Should().Contain("| CE         | 0.500 ± 0.000").And.Contain("| SPP-SCL    | 0.750 ± 0.000").And.Contain("+0.250 ± 0.000  | 1/1 ");
        table.Should().Contain("over 1 seed (").And.Contain("text only 0.556");
    }

    [Fact]
    public void RunLine_ShowsTheRunAndItsScore()
    {
        DemoSummary.RunLine(3, 15, Run("CE+ITM", 2, 0.8766, [0.8])).Should().Be(
            "[ 3/15] CE+ITM     seed 2: test macro-F1 0.877, accuracy 0.887 (best epoch 2), ITD 1.000, 10 s");
    }
}

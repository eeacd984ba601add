using System;
using System.IO;
using System.Linq;
using System.Text.Json;
using AuxLosses.Models;
using AuxLosses.QuickStart;
using FluentAssertions;
using TorchSharp;

namespace AuxLosses.Samples.Tests.QuickStart;

/// <summary>The demo on CI's quick settings (240/60/60 posts, 2 epochs), in this process.</summary>
public sealed class QuickStartEndToEndTests : IDisposable
{
    private readonly DirectoryInfo folder = Directory.CreateTempSubdirectory("auxlosses-quickstart-");

    public void Dispose() => folder.Delete(recursive: true);

    [Fact]
    public void QuickDemo_WritesTheTable_ResultsAndCharts()
    {
        var (output, error) = (new StringWriter(), new StringWriter());

        var exit = QuickStartApp.Run(["--quick", "--in-process", "--objectives", "CE,CE+ITC+ITM,SPP-SCL", "--output", folder.FullName], output, error);

        exit.Should().Be(0, error.ToString());
        var text = output.ToString();
        text.Should().Contain("[ 3/3]").And.Contain("| CE+ITC+ITM |").And.Contain("| SPP-SCL    |");
        foreach (var name in DemoReport.FileNames)
        {
            File.Exists(Path.Combine(folder.FullName, name)).Should().BeTrue(name);
        }

        foreach (var png in new[] { DemoReport.CurvesFile, DemoReport.DiagnosticsFile })
        {
            File.ReadAllBytes(Path.Combine(folder.FullName, png)).Take(4).Should().Equal([0x89, (byte)'P', (byte)'N', (byte)'G']);
        }

        using var results = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder.FullName, DemoReport.ResultsFile)));
        var runs = results.RootElement.GetProperty("runs").EnumerateArray().ToArray();
        runs.Select(r => r.GetProperty("objective").GetString()).Should().Equal("CE", "CE+ITC+ITM", "SPP-SCL");
        runs.Should().OnlyContain(r => r.GetProperty("validationMacroF1").GetArrayLength() == 2);
        runs.Should().OnlyContain(r => r.GetProperty("testMacroF1").GetDouble() >= 0 && r.GetProperty("testMacroF1").GetDouble() <= 1);
        runs.Should().OnlyContain(r => r.GetProperty("itd").GetDouble() > 0 && r.GetProperty("itd").GetDouble() <= 2);
        File.ReadAllText(Path.Combine(folder.FullName, DemoReport.SummaryFile)).Should().Contain("| SPP-SCL | 1 |");
    }

    [Fact]
    public void A_Run_IsDeterministic_ForItsSeed()
    {
        var settings = DemoSettings.Quick with { TrainCount = 96, ValidationCount = 30, TestCount = 30 };

        var first = DemoRunner.Run(DemoObjective.CrossEntropyItcItm, seed: 4, settings);
        var second = DemoRunner.Run(DemoObjective.CrossEntropyItcItm, seed: 4, settings);

        second.Should().BeEquivalentTo(first, o => o.Excluding(r => r.Seconds));
        first.TrainLoss.Should().OnlyContain(l => double.IsFinite(l) && l > 0);
    }

    [Fact]
    public void Every_Objective_StartsFromTheSameWeights_ForASeed()
    {
        using var a = Build(seed: 9);
        using var b = Build(seed: 9);
        using var c = Build(seed: 10);

        var (pa, pb, pc) = (a.parameters().ToArray(), b.parameters().ToArray(), c.parameters().ToArray());
        pa.Zip(pb).Should().OnlyContain(p => p.First.eq(p.Second).all().item<bool>());
        pa.Zip(pc).Should().Contain(p => !p.First.eq(p.Second).all().item<bool>());
    }

    [Theory]
    [InlineData("CE", new[] { "ce" })]
    [InlineData("CE+ITC", new[] { "ce", "itc" })]
    [InlineData("CE+ITM", new[] { "ce", "itm" })]
    [InlineData("CE+ITC+ITM", new[] { "ce", "itc", "itm" })]
    public void The_JointObjectives_ComputeExactlyTheirTerms(string label, string[] terms)
    {
        DemoObjectives.TryParse(label, out var objective).Should().BeTrue();
        using var classifier = Build(seed: 1);
        using var model = (LateFusionTrainingModel)DemoRunner.CreateTrainingModel(objective, classifier);

        model.Module.named_children().Select(c => c.name).Should().Contain("classifier");
        (model.Contrastive is not null).Should().Be(terms.Contains("itc"));
        (model.Matching is not null).Should().Be(terms.Contains("itm"));
    }

    private static LateFusionClassifier Build(int seed)
    {
        torch.manual_seed(seed);
        return DemoRunner.BuildClassifier(DemoSettings.Quick);
    }
}

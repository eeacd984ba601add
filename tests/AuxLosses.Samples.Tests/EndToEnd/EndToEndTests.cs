using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using AuxLosses.Reproduce;
using AuxLosses.Reproduce.Results;
using AuxLosses.Samples.Tests.Infrastructure;
using FluentAssertions;
using Xunit.Abstractions;

namespace AuxLosses.Samples.Tests.EndToEnd;

/// <summary>
/// The CLI end to end on a generated MVSA-style data folder (24 posts, JPEGs) and tiny pretrained folders
/// (2-layer width-32 BERT, 1-layer width-32 ViT at 32 px), one epoch per mode.
/// </summary>
public sealed class EndToEndTests : IDisposable
{
    private readonly TinyWorld world = new TinyWorld().WithMvsaData().WithTinyBert().WithTinyVit();
    private readonly ITestOutputHelper output;

    public EndToEndTests(ITestOutputHelper output) => this.output = output;

    public void Dispose() => world.Dispose();

    private CliRun Run(params string[] extra)
    {
        var clock = Stopwatch.StartNew();
        var run = CliRun.Of([.. world.CommonFlags(), "--txt-model", "bert", "--img-model", "vit", "--task", "3", "--testing", "--epochs", "1", .. extra]);
        output.WriteLine($"{string.Join(' ', extra)}: exit {run.ExitCode} in {clock.Elapsed.TotalSeconds:0.0} s");
        output.WriteLine(run.Out + run.Error);
        return run;
    }

    private static void ShouldBeMetricsTable(string path, int epochs)
    {
        File.Exists(path).Should().BeTrue(path);
        var lines = File.ReadAllLines(path);
        lines[0].Should().Be("metric," + string.Join(',', Enumerable.Range(1, epochs).Select(e => $"epoch-{e}")));
        lines.Skip(1).Select(l => l.Split(',')[0]).Should().Equal(MetricsTable.MetricNames);
        lines.Skip(1).SelectMany(l => l.Split(',').Skip(1)).Should().HaveCount(7 * epochs)
            .And.OnlyContain(v => double.IsFinite(double.Parse(v, System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Fact]
    public void Late_fusion_with_itc_and_itm_writes_metrics_and_predictions()
    {
        var run = Run("--fusion", "concat", "--use-itc", "--use-itm", "--save-preds", "--save-model");

        run.ExitCode.Should().Be(ReproduceApp.Success, run.Error);
        run.Out.Should().Contain("train 12, val 6, test 6").And.Contain("0.8*CE + 0.1*ITC + 0.1*ITM");
        var folder = Path.Combine(world.ResultsDir, "testing");
        ShouldBeMetricsTable(Path.Combine(folder, "bert-vit-concat_task3_seed30_itc0.1itm0.1_metrics_val.csv"), 1);
        ShouldBeMetricsTable(Path.Combine(folder, "bert-vit-concat_task3_seed30_itc0.1itm0.1_metrics_test.csv"), 1);
        File.Exists(Path.Combine(folder, "bert-vit-concat_task3_seed30_itc0.1itm0.1_net.safetensors")).Should().BeTrue();

        var preds = File.ReadAllLines(Path.Combine(folder, "bert-vit-concat_task3_seed30_itc0.1itm0.1_preds.csv"));
        preds[0].Should().Be("data_id,label,prediction");
        preds.Skip(1).Select(l => l.Split(',')[0]).Should().BeEquivalentTo(Enumerable.Range(0, 24).Where(i => i % 4 == 3).Select(i => (1000 + i).ToString(System.Globalization.CultureInfo.InvariantCulture)));
        preds.Skip(1).SelectMany(l => l.Split(',').Skip(1)).Select(v => int.Parse(v, System.Globalization.CultureInfo.InvariantCulture))
            .Should().OnlyContain(v => v >= 0 && v < 3);
    }

    [Fact]
    public void Spp_scl_two_step_runs_and_names_its_files_after_the_mode()
    {
        var run = Run("--mode", "spp-scl");

        run.ExitCode.Should().Be(ReproduceApp.Success, run.Error);
        run.Out.Should().Contain("SPP-SCL (two-step");
        ShouldBeMetricsTable(Path.Combine(world.ResultsDir, "testing", "bert-vit-spp-scl_task3_seed30__metrics_val.csv"), 1);
        ShouldBeMetricsTable(Path.Combine(world.ResultsDir, "testing", "bert-vit-spp-scl_task3_seed30__metrics_test.csv"), 1);
    }

    [Fact]
    public void Common_space_runs_with_a_metrics_log_and_missing_images_kept_text_only()
    {
        File.Delete(Path.Combine(world.DataDir, "MVSA-Single", "data", "1004.jpg"));
        var log = Path.Combine(world.Root, "log.jsonl");

        var run = Run("--mode", "common-space", "--missing-images", "text-only", "--metrics-log", log);

        run.ExitCode.Should().Be(ReproduceApp.Success, run.Error);
        run.Out.Should().Contain("1 posts without image (text-only)");
        ShouldBeMetricsTable(Path.Combine(world.ResultsDir, "testing", "bert-vit-common-space_task3_seed30__metrics_test.csv"), 1);
        File.ReadAllLines(log).Should().Contain(l => l.Contains("\"type\":\"epoch\"", StringComparison.Ordinal));
    }
}

using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Exporters;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Loggers;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Perfolizer.Horology;

namespace AuxLosses.Benchmarks;

/// <summary>
/// A short in-process job: two warm-ups and seven measured single invocations per case. Each invocation is a whole
/// forward+backward (milliseconds to seconds), so BenchmarkDotNet's pilot and unrolling would only add minutes;
/// in-process avoids rebuilding and copying the ~1 GB libtorch native folder for every benchmark class.
/// </summary>
internal sealed class FastConfig : ManualConfig
{
    public FastConfig(string artifactsPath)
    {
        AddJob(Job.Dry
            .WithToolchain(InProcessEmitToolchain.Instance)
            .WithLaunchCount(1)
            .WithWarmupCount(2)
            .WithIterationCount(7)
            .WithInvocationCount(1)
            .WithUnrollFactor(1)
            .WithStrategy(BenchmarkDotNet.Engines.RunStrategy.Monitoring)
            .WithId("Fast"));
        AddColumnProvider(DefaultColumnProviders.Instance);
        AddColumn(StatisticColumn.Median);
        AddLogger(ConsoleLogger.Default);
        AddExporter(MarkdownExporter.GitHub);
        WithSummaryStyle(SummaryStyle.Default.WithTimeUnit(TimeUnit.Millisecond));
        WithOptions(ConfigOptions.DisableOptimizationsValidator | ConfigOptions.JoinSummary);
        ArtifactsPath = artifactsPath;
    }
}

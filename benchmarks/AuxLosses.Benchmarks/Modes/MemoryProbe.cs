using System;
using System.Diagnostics;
using System.Globalization;
using static TorchSharp.torch;

namespace AuxLosses.Benchmarks.Modes;

/// <summary>
/// The child side of memory mode: in a fresh process, one ITC forward+backward at [B, D] with the given
/// implementation; prints the peak resident memory above the level reached just before the loss.
/// </summary>
internal static class MemoryProbe
{
    public const string Command = "memory-child";
    public const string ResultPrefix = "MEMORY-RESULT";

    public static int Run(string implementation, long batch, long dim)
    {
        TorchRuntime.Initialize();
        var kind = Enum.Parse<ContrastiveImplementation>(implementation);
        using var loss = new ImageTextContrastiveLoss(new ContrastiveLossOptions { Implementation = kind });
        using var image = randn(batch, dim).requires_grad_(true);
        using var text = randn(batch, dim).requires_grad_(true);

        // Warm up the same code path at a tiny size so lazily loaded kernels and thread pools are not counted.
        using (NewDisposeScope())
        {
            var x = randn(64, dim).requires_grad_(true);
            loss.forward(x, randn(64, dim)).backward();
        }

        GC.Collect();
        var reset = ProcessMemory.TryResetPeak();
        var before = ProcessMemory.PeakResident();
        var clock = Stopwatch.StartNew();
        double value;
        using (NewDisposeScope())
        {
            var result = loss.forward(image, text);
            result.backward();
            value = result.item<float>();
        }

        var seconds = clock.Elapsed.TotalSeconds;
        var peak = ProcessMemory.PeakResident();
        var finite = double.IsFinite(value) && image.grad is { } grad && grad.isfinite().all().item<bool>();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{ResultPrefix} before={before} peak={peak} extra={peak - before} seconds={seconds:F2} loss={value:G6} finite={finite} reset={reset}"));
        return finite ? 0 : 1;
    }
}

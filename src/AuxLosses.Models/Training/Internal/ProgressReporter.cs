using System;
using System.Globalization;
using System.IO;
using System.Linq;

namespace AuxLosses.Models.Internal;

/// <summary>Progress on a terminal (one line rewritten in place) or as plain periodic lines.</summary>
internal sealed class ProgressReporter
{
    private const int BarWidth = 24;
    private readonly TextWriter? writer;
    private readonly bool bar;
    private readonly int every;
    private readonly int epochs;
    private int lastLength;

    public ProgressReporter(ProgressMode mode, TextWriter? custom, int logEverySteps, int epochs)
    {
        this.epochs = epochs;
        every = logEverySteps;
        if (mode == ProgressMode.Auto)
        {
            mode = custom is null && !Console.IsOutputRedirected && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CI"))
                ? ProgressMode.Bar
                : ProgressMode.Plain;
        }

        if (mode != ProgressMode.None)
        {
            writer = custom ?? Console.Out;
            bar = mode == ProgressMode.Bar;
        }
    }

    /// <summary>Reports a finished batch.</summary>
    /// <param name="record">The batch.</param>
    /// <param name="batchesPerEpoch">Batches per epoch.</param>
    /// <param name="secondsPerBatch">Smoothed seconds per training batch, for the ETA.</param>
    public void Step(TrainingStepRecord record, int batchesPerEpoch, double secondsPerBatch)
    {
        if (writer is null)
        {
            return;
        }

        var done = record.BatchIndex + 1;
        var loss = record.Losses.TryGetValue("loss", out var l) ? l : record.Losses.Values.FirstOrDefault();
        var eta = TimeSpan.FromSeconds(Math.Max(0, batchesPerEpoch - done) * secondsPerBatch);
        var text = string.Create(CultureInfo.InvariantCulture,
            $"epoch {record.Epoch + 1}/{epochs} {done}/{batchesPerEpoch} loss {loss:0.0000} lr {record.LearningRate:0.###e+0} {record.SamplesPerSecond:0.0} samples/s ETA {eta:hh\\:mm\\:ss}");
        if (bar)
        {
            var filled = (int)Math.Round(BarWidth * done / (double)batchesPerEpoch);
            var line = "\r[" + new string('#', filled) + new string('.', BarWidth - filled) + "] " + text;
            writer.Write(line.PadRight(lastLength));
            lastLength = line.Length;
            writer.Flush();
        }
        else if (record.GlobalStep % every == 0 || done == batchesPerEpoch)
        {
            writer.WriteLine(text);
        }
    }

    public void Epoch(EpochRecord record, int bestEpoch)
    {
        if (writer is null)
        {
            return;
        }

        if (bar)
        {
            writer.WriteLine();
            lastLength = 0;
        }

        var train = string.Join(' ', record.TrainLosses.Select(kv => string.Create(CultureInfo.InvariantCulture, $"{kv.Key} {kv.Value:0.0000}")));
        var line = string.Create(CultureInfo.InvariantCulture, $"epoch {record.Epoch + 1}/{epochs} train {train}");
        if (record.Validation is { } val)
        {
            line += string.Create(CultureInfo.InvariantCulture,
                $" | val loss {val.Loss:0.0000} acc {val.Metrics.Accuracy:0.0000} weighted-F1 {val.Metrics.WeightedF1:0.0000} macro-F1 {val.Metrics.MacroF1:0.0000}");
        }

        if (record.Test is { } test)
        {
            line += string.Create(CultureInfo.InvariantCulture, $" | test weighted-F1 {test.Metrics.WeightedF1:0.0000}");
        }

        line += string.Create(CultureInfo.InvariantCulture, $" | best epoch {bestEpoch + 1}{(record.IsBest ? " (new)" : string.Empty)} | {record.Duration.TotalSeconds:0.0}s");
        writer.WriteLine(line);
    }

    public void Message(string text)
    {
        if (writer is null)
        {
            return;
        }

        if (bar && lastLength > 0)
        {
            writer.WriteLine();
            lastLength = 0;
        }

        writer.WriteLine(text);
    }
}

using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
using System.Text.Json;

namespace AuxLosses.Models.Internal;

/// <summary>
/// The JSON-lines metrics log: one object per line, <c>"type"</c> = <c>"step"</c>, <c>"epoch"</c> or <c>"end"</c>,
/// each with the global <c>"step"</c>. Non-finite numbers are written as null.
/// </summary>
internal sealed class MetricsLog : IDisposable
{
    private readonly StreamWriter writer;

    private MetricsLog(StreamWriter writer) => this.writer = writer;

    /// <summary>A fresh run truncates the file; a resumed run keeps the lines up to <paramref name="resumeStep"/>.</summary>
    public static MetricsLog Open(string path, long? resumeStep)
    {
        var full = Path.GetFullPath(path);
        if (Path.GetDirectoryName(full) is { } directory)
        {
            Directory.CreateDirectory(directory);
        }

        var kept = new List<string>();
        if (resumeStep is { } step && File.Exists(full))
        {
            foreach (var line in File.ReadLines(full))
            {
                if (!string.IsNullOrWhiteSpace(line) && StepOf(line) is { } s && s <= step)
                {
                    kept.Add(line);
                }
            }
        }

        var stream = new FileStream(full, FileMode.Create, FileAccess.Write, FileShare.Read);
        var writer = new StreamWriter(stream, new UTF8Encoding(false)) { AutoFlush = true, NewLine = "\n" };
        foreach (var line in kept)
        {
            writer.WriteLine(line);
        }

        return new MetricsLog(writer);
    }

    public void WriteStep(TrainingStepRecord record, double elapsedSeconds) => WriteLine(w =>
    {
        w.WriteString("type", "step");
        w.WriteNumber("step", record.GlobalStep);
        w.WriteNumber("epoch", record.Epoch);
        w.WriteNumber("batch", record.BatchIndex);
        Number(w, "lr", record.LearningRate);
        Losses(w, "losses", record.Losses);
        Number(w, "grad_norm", record.GradNorm);
        w.WriteNumber("optimizer_steps", record.OptimizerSteps);
        Number(w, "samples_per_second", record.SamplesPerSecond);
        Number(w, "elapsed_seconds", elapsedSeconds);
    });

    public void WriteEpoch(EpochRecord record, long globalStep, int bestEpoch) => WriteLine(w =>
    {
        w.WriteString("type", "epoch");
        w.WriteNumber("step", globalStep);
        w.WriteNumber("epoch", record.Epoch);
        Number(w, "lr", record.LearningRate);
        Losses(w, "train", record.TrainLosses);
        Evaluation(w, "val", record.Validation);
        Evaluation(w, "test", record.Test);
        w.WriteBoolean("is_best", record.IsBest);
        w.WriteNumber("best_epoch", bestEpoch);
        Number(w, "epoch_seconds", record.Duration.TotalSeconds);
    });

    public void WriteEnd(TrainingResult result) => WriteLine(w =>
    {
        w.WriteString("type", "end");
        w.WriteNumber("step", result.GlobalSteps);
        w.WriteNumber("epochs", result.History.Count);
        w.WriteNumber("best_epoch", result.BestEpoch);
        w.WriteBoolean("stopped_early", result.StoppedEarly);
        w.WriteNumber("optimizer_steps", result.OptimizerSteps);
        Evaluation(w, "best_val", result.BestValidation);
        Evaluation(w, "test", result.Test);
        Number(w, "wall_seconds", result.WallTime.TotalSeconds);
    });

    public void Dispose() => writer.Dispose();

    private void WriteLine(Action<Utf8JsonWriter> body)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            body(w);
            w.WriteEndObject();
        }

        writer.WriteLine(Encoding.UTF8.GetString(buffer.ToArray()));
    }

    private static void Number(Utf8JsonWriter w, string name, double value)
    {
        if (double.IsFinite(value))
        {
            w.WriteNumber(name, value);
        }
        else
        {
            w.WriteNull(name);
        }
    }

    private static void Losses(Utf8JsonWriter w, string name, IReadOnlyDictionary<string, double> losses)
    {
        w.WriteStartObject(name);
        foreach (var (key, value) in losses)
        {
            Number(w, key, value);
        }

        w.WriteEndObject();
    }

    private static void Evaluation(Utf8JsonWriter w, string name, EvaluationResult? result)
    {
        if (result is null)
        {
            return;
        }

        var m = result.Metrics;
        w.WriteStartObject(name);
        Number(w, "loss", result.Loss);
        Number(w, "accuracy", m.Accuracy);
        Number(w, "weighted_f1", m.WeightedF1);
        Number(w, "macro_f1", m.MacroF1);
        Number(w, "weighted_precision", m.WeightedPrecision);
        Number(w, "weighted_recall", m.WeightedRecall);
        Number(w, "macro_precision", m.MacroPrecision);
        Number(w, "macro_recall", m.MacroRecall);
        w.WriteNumber("count", m.Count);
        w.WriteStartArray("f1_per_class");
        foreach (var f in m.F1)
        {
            w.WriteNumberValue(f);
        }

        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static long? StepOf(string line)
    {
        try
        {
            using var doc = JsonDocument.Parse(line);
            return doc.RootElement.TryGetProperty("step", out var step) && step.TryGetInt64(out var s) ? s : null;
        }
        catch (JsonException)
        {
            return null; // a torn last line from a crash
        }
    }
}

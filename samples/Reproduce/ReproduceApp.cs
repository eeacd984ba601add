using System;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using AuxLosses.Models;
using AuxLosses.Reproduce.Building;
using AuxLosses.Reproduce.Cli;
using AuxLosses.Reproduce.Results;
using AuxLosses.Reproduce.Tasks;
using TorchSharp;

namespace AuxLosses.Reproduce;

/// <summary>
/// The CLI's entry point: parse → data → model → train with val/test evaluation every epoch → result files.
/// Exit codes: 0 done, 1 missing inputs or a failed run, 2 usage error.
/// </summary>
internal static class ReproduceApp
{
    public const int Success = 0;
    public const int Failure = 1;
    public const int UsageError = 2;

    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        ReproduceOptions options;
        try
        {
            options = CliParser.Parse(args);
        }
        catch (UsageException e)
        {
            stderr.WriteLine("error: " + e.Message);
            stderr.WriteLine("Run with --help for the list of options.");
            return UsageError;
        }

        if (options.Help)
        {
            stdout.Write(CliParser.Usage());
            return Success;
        }

        try
        {
            Execute(options, stdout);
            return Success;
        }
#pragma warning disable CA1031 // The CLI's boundary: every failure becomes a message and exit code 1.
        catch (Exception e)
#pragma warning restore CA1031
        {
            stderr.WriteLine("error: " + Describe(e));
            if (options.Verbose)
            {
                stderr.WriteLine(e.ToString());
            }

            return Failure;
        }
    }

    private static string Describe(Exception e) => e switch
    {
        // These carry a complete, user-facing message (paths looked for, the file and line, the unsupported thing).
        MissingInputsException or PretrainedFileNotFoundException or NotSupportedException or MalformedRowException
            or FileNotFoundException or DirectoryNotFoundException or WeightLoadException => e.Message,
        DataLoaderException { InnerException: { } inner } => $"{e.Message} {inner.Message}",
        _ => $"{e.GetType().Name}: {e.Message}",
    };

    private static void Execute(ReproduceOptions options, TextWriter log)
    {
        var clock = Stopwatch.StartNew();
        var task = TaskTable.Get(options.Task);
        var names = new RunNames(options);
        var device = ModelBuilder.Device(options.Device);
        using var locator = new PretrainedLocator(options.WeightsDir, options.HfCache);
        ModelBuilder.CheckSupported(options.TextModel, locator);

        var data = DataBuilder.Build(options, task);
        var missingNote = data.MissingImages > 0 ? $"; {data.MissingImages} posts without image ({options.MissingImages})" : "";
        log.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"task {task.Id} ({task.Name}, {task.NumClasses} classes, batch {task.BatchSize}): train {data.Train.Count}, val {data.Validation.Count}, test {data.Test.Count} from {data.Source}{missingNote}"));

        // torch.manual_seed(args.seed) before the model is built, as the repo does.
        torch.random.manual_seed(options.Seed);
        using var model = ModelBuilder.Build(options, task, locator);
        log.WriteLine("model: " + model.Description);

        var sppScl = options.Mode == TrainingMode.SppScl;
        var train = model.Collator.CreateLoader(data.Train, new DataLoaderOptions
        {
            BatchSize = task.BatchSize,
            Seed = options.Seed,
            // SPP-SCL's BatchNorm layers cannot train on a batch of one.
            DropLast = sppScl && data.Train.Count % task.BatchSize == 1,
        });
        var validation = model.Collator.CreateLoader(data.Validation, new DataLoaderOptions { BatchSize = task.BatchSize, Shuffle = false });
        var test = model.Collator.CreateLoader(data.Test, new DataLoaderOptions { BatchSize = task.BatchSize, Shuffle = false });

        // compute_class_weight("balanced") over the training labels, as prepare_data does.
        var classWeights = model.UsesClassWeights ? ClassWeights.Balanced(data.Train.Select(p => p.Label).ToArray(), task.NumClasses) : null;
        var trainerOptions = new TrainerOptions
        {
            Epochs = options.Epochs,
            LearningRate = options.LearningRate,
            WeightDecay = options.WeightDecay,
            ClassWeighting = classWeights is null ? ClassWeightMode.None : ClassWeightMode.Explicit,
            ClassWeights = classWeights,
            // The repo keeps the last epoch's weights and evaluates val and test after every epoch (done below).
            RestoreBestWeights = false,
            Seed = options.Seed,
            Device = device,
            CheckpointDirectory = options.CheckpointDir,
            Resume = options.Resume,
            MetricsLogPath = options.MetricsLog,
            Progress = ProgressMode.Plain,
            ProgressWriter = log,
            LogEverySteps = Math.Max(1, train.BatchesPerEpoch / 5),
        };

        Directory.CreateDirectory(names.Directory);
        // A resumed run continues the tables it wrote before the interruption.
        var valTable = options.Resume ? MetricsTable.Read(names.ValidationMetricsFile) : new MetricsTable();
        var testTable = options.Resume ? MetricsTable.Read(names.TestMetricsFile) : new MetricsTable();
        EvaluationOutcome? lastTest = null;
        using var trainer = new Trainer<PostBatch>(model.Adapter, trainerOptions);
        trainer.EpochCompleted += (_, record) =>
        {
            var val = Evaluator.Evaluate(model.Adapter, validation, device, classWeights);
            lastTest = Evaluator.Evaluate(model.Adapter, test, device, classWeights);
            valTable.Add(record.Epoch, val);
            testTable.Add(record.Epoch, lastTest);
            valTable.Write(names.ValidationMetricsFile);
            testTable.Write(names.TestMetricsFile);
            log.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"epoch {record.Epoch + 1}: val f1_weighted {val.Metrics.WeightedF1:0.0000} f1_macro {val.Metrics.MacroF1:0.0000} loss {val.Loss:0.0000} | test f1_weighted {lastTest.Metrics.WeightedF1:0.0000} f1_macro {lastTest.Metrics.MacroF1:0.0000}"));
        };

        var result = trainer.Fit(train);
        if (lastTest is null)
        {
            // Resumed after the last epoch: nothing trained in this session, but the files are still due.
            lastTest = Evaluator.Evaluate(model.Adapter, test, device, classWeights);
        }

        log.WriteLine($"wrote {names.ValidationMetricsFile}");
        log.WriteLine($"wrote {names.TestMetricsFile}");
        if (options.SavePreds)
        {
            PredictionsFile.Write(names.PredictionsFile, lastTest.Predictions);
            log.WriteLine($"wrote {names.PredictionsFile}");
        }

        if (options.SaveModel)
        {
            WeightLoader.SaveFile(model.Adapter.Module, names.ModelFile);
            log.WriteLine($"wrote {names.ModelFile}");
        }

        log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"done: {result.History.Count} epochs, {result.OptimizerSteps} optimizer steps, {clock.Elapsed.TotalSeconds:0.0} s"));
    }
}

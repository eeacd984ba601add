using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading;
using AuxLosses.Internal;
using AuxLosses.Models.Internal;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace AuxLosses.Models;

/// <summary>
/// A training loop for image-text classifiers: AdamW with parameter groups, linear warmup then StepLR, gradient
/// clipping, class weights, validation every epoch, best-epoch selection and early stopping, atomic checkpoints with
/// exact resume, a JSON-lines metrics log and a progress display.
/// </summary>
/// <typeparam name="TBatch">The batch type (e.g. <see cref="PostBatch"/>); a batch that is <see cref="IDisposable"/> is disposed after use.</typeparam>
/// <example>
/// <code>
/// using var adapter = new LateFusionTrainingModel(classifier, JointObjective.Paper());
/// using var trainer = new Trainer&lt;PostBatch&gt;(adapter, new TrainerOptions { Epochs = 5, WarmupRatio = 0.1, MaxGradNorm = 1.0,
///     CheckpointDirectory = "runs/a", Resume = true, MetricsLogPath = "runs/a/metrics.jsonl" });
/// var result = trainer.Fit(trainSource, validationSource, testSource, cancellationToken);
/// Console.WriteLine($"best epoch {result.BestEpoch}: test weighted F1 {result.Test!.Metrics.WeightedF1:F4}");
/// </code>
/// </example>
/// <remarks>
/// <para>Per batch, inside a dispose scope: the learning rate of every group is set from the schedule, the batch is moved
/// to the device and the adapter's <see cref="ITrainingModel{TBatch}.TrainStep"/> runs (it calls
/// <see cref="TrainingStepContext.ZeroGrad"/>, backward and <see cref="TrainingStepContext.Step"/>). After each epoch the
/// validation source is evaluated in eval mode under <c>no_grad</c>.</para>
/// <para>Exact resume: a checkpoint holds the module's state dict, the <see cref="AdamW"/> state (moments and
/// per-parameter step counts, bitwise, via <see cref="AdamW.SaveState"/>), torch's CPU generator state (dropout) and the adapter's generators,
/// the loop position (epoch and batches done, resumed with <see cref="IBatchSource{TBatch}.GetBatches"/>'s
/// <c>skipBatches</c>), the partial epoch-loss sums, the early-stopping state, the best weights and the history. On CPU a
/// run cancelled at any batch and resumed reaches bitwise the same weights and metrics as an uninterrupted one.
/// TorchSharp 0.107 exposes no CUDA generator state, so on CUDA the CUDA generator is re-seeded from
/// (<see cref="TrainerOptions.Seed"/>, batch index) before every batch — deterministic and resumable, at the cost of
/// per-batch rather than per-run random streams.</para>
/// </remarks>
public sealed class Trainer<TBatch> : IDisposable
{
    private readonly ITrainingModel<TBatch> model;
    private readonly nn.Module module;
    private readonly Device device;
    private readonly AdamW optimizer;
    private readonly TrainerParameterGroup[] groupInfo;
    private readonly Parameter[] parameters;
    private bool fitted;
    private bool disposed;

    /// <summary>Creates the trainer: moves the module to the device and builds AdamW over its trainable parameters.</summary>
    /// <param name="model">The adapter (e.g. <see cref="LateFusionTrainingModel"/>).</param>
    /// <param name="options">Settings; null for the defaults.</param>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range or does not fit the model; the message names it.</exception>
    /// <exception cref="ArgumentException">The model has no trainable parameter.</exception>
    public Trainer(ITrainingModel<TBatch> model, TrainerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(model.Module, nameof(model) + "." + nameof(model.Module));
        Options = options ?? new TrainerOptions();
        Options.Validate();
        if (model.NumClasses < 1)
        {
            throw new ArgumentException($"The model reports {model.NumClasses} classes; at least 1 is needed.", nameof(model));
        }

        if (Options.ClassWeighting != ClassWeightMode.None && !model.SupportsClassWeights)
        {
            throw TrainerOptions.OutOfRange(nameof(TrainerOptions.ClassWeighting), Options.ClassWeighting,
                $"is not supported by {model.GetType().Name} (it has no class-weighted loss); use ClassWeightMode.None");
        }

        if (Options.ClassWeighting == ClassWeightMode.Explicit && Options.ClassWeights!.Count != model.NumClasses)
        {
            throw TrainerOptions.OutOfRange(nameof(TrainerOptions.ClassWeights), Options.ClassWeights.Count,
                $"must have one weight per class ({model.NumClasses} classes)");
        }

        this.model = model;
        module = model.Module;
        device = Options.Device ?? CPU;
        module.to(device);
        var groups = ParameterGrouping.Build(module, Options);
        groupInfo = groups.Select(g => g.Info).ToArray();
        parameters = groups.SelectMany(g => g.Parameters).ToArray();
        optimizer = new AdamW(
            groups.Select(g => new AdamWParameterGroup(g.Info.ParameterNames.Zip(g.Parameters), g.Info.LearningRate, g.Info.WeightDecay)),
            Options.Beta1,
            Options.Beta2,
            Options.Epsilon);
    }

    /// <summary>Raised after every training batch (on the training thread).</summary>
    public event EventHandler<TrainingStepRecord>? StepCompleted;

    /// <summary>Raised after every epoch's evaluation, before its checkpoint is written.</summary>
    public event EventHandler<EpochRecord>? EpochCompleted;

    /// <summary>The settings.</summary>
    public TrainerOptions Options { get; }

    /// <summary>The AdamW parameter groups: decay / no-decay per learning-rate prefix, in the optimizer's order.</summary>
    public IReadOnlyList<TrainerParameterGroup> ParameterGroups => groupInfo;

    /// <summary>
    /// The optimizer (<see cref="AdamW"/>, one group per entry of <see cref="ParameterGroups"/>, same order), for
    /// inspection; the trainer sets its groups' learning rates every batch.
    /// </summary>
    public AdamW Optimizer => optimizer;

    /// <summary>
    /// Trains for <see cref="TrainerOptions.Epochs"/> epochs (or until early stopping), evaluating
    /// <paramref name="validation"/> after each, then evaluates <paramref name="test"/> with the best epoch's weights.
    /// Can be called once per trainer.
    /// </summary>
    /// <param name="train">The training batches; an epoch must yield exactly <see cref="IBatchSource{TBatch}.BatchesPerEpoch"/> batches.</param>
    /// <param name="validation">Validation batches, or null (then the last epoch counts as the best).</param>
    /// <param name="test">Test batches, or null.</param>
    /// <param name="cancellationToken">
    /// Checked before every batch; on cancellation a checkpoint of the current position is written (when
    /// <see cref="TrainerOptions.CheckpointDirectory"/> is set) and <see cref="OperationCanceledException"/> is thrown.
    /// </param>
    /// <returns>History, best epoch and metrics, test metrics at the best epoch.</returns>
    /// <exception cref="ArgumentException">A source is empty, or early stopping has no validation source.</exception>
    /// <exception cref="InvalidOperationException">Fit was already called, or the checkpoint does not fit this run.</exception>
    /// <exception cref="OperationCanceledException">Training was cancelled.</exception>
    public TrainingResult Fit(IBatchSource<TBatch> train, IBatchSource<TBatch>? validation = null, IBatchSource<TBatch>? test = null, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        ArgumentNullException.ThrowIfNull(train);
        if (fitted)
        {
            throw new InvalidOperationException("Fit runs once per trainer; build a new Trainer (with Resume) to continue a run.");
        }

        var batches = train.BatchesPerEpoch;
        if (batches < 1)
        {
            throw new ArgumentException($"The training source must yield at least one batch per epoch; BatchesPerEpoch is {batches}.", nameof(train));
        }

        if (Options.EarlyStoppingPatience is not null && validation is null)
        {
            throw new ArgumentException("TrainerOptions.EarlyStoppingPatience needs a validation source.", nameof(validation));
        }

        fitted = true;
        var run = new Run(this, train, validation, test, cancellationToken);
        return run.Execute();
    }

    /// <summary>Evaluates the model on a source (epoch 0's batches) in eval mode under <c>no_grad</c>; the module's mode is restored afterwards.</summary>
    /// <param name="source">The batches to evaluate.</param>
    /// <returns>Metrics and mean cross-entropy.</returns>
    /// <exception cref="ArgumentException">The source yields no sample.</exception>
    public EvaluationResult Evaluate(IBatchSource<TBatch> source)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        ArgumentNullException.ThrowIfNull(source);
        var wasTraining = module.training;
        module.eval();
        try
        {
            var accumulator = new MetricAccumulator(model.NumClasses);
            var lossSum = 0.0;
            long count = 0;
            using var noGrad = no_grad();
            foreach (var batch in source.GetBatches(0))
            {
                try
                {
                    using var scope = NewDisposeScope();
                    var onDevice = model.ToDevice(batch, device);
                    try
                    {
                        var logits = model.Predict(onDevice);
                        var labels = model.Labels(onDevice);
                        accumulator.Add(logits, labels);
                        lossSum += Scalars.ToDouble(nn.functional.cross_entropy(logits.to(ScalarType.Float64), labels, reduction: nn.Reduction.Sum));
                        count += labels.shape[0];
                    }
                    finally
                    {
                        DisposeCopy(onDevice, batch);
                    }
                }
                finally
                {
                    (batch as IDisposable)?.Dispose();
                }
            }

            if (count == 0)
            {
                throw new ArgumentException("The evaluation source yielded no sample.", nameof(source));
            }

            return new EvaluationResult(accumulator.Compute(), lossSum / count);
        }
        finally
        {
            module.train(wasTraining);
        }
    }

    /// <summary>Releases the optimizer and its state (the model is the caller's).</summary>
    public void Dispose()
    {
        if (disposed)
        {
            return;
        }

        disposed = true;
        optimizer.Dispose();
    }

    private static void DisposeCopy(TBatch onDevice, TBatch original)
    {
        if (!ReferenceEquals(onDevice, original))
        {
            (onDevice as IDisposable)?.Dispose();
        }
    }

    private static EvaluationState? ToState(EvaluationResult? result)
    {
        if (result is null)
        {
            return null;
        }

        var matrix = result.Metrics.GetConfusionMatrix();
        var c = matrix.GetLength(0);
        var rows = new long[c][];
        for (var i = 0; i < c; i++)
        {
            rows[i] = new long[c];
            for (var j = 0; j < c; j++)
            {
                rows[i][j] = matrix[i, j];
            }
        }

        return new EvaluationState { Confusion = rows, Loss = result.Loss };
    }

    private static EvaluationResult? FromState(EvaluationState? state)
    {
        if (state is null)
        {
            return null;
        }

        var c = state.Confusion.Length;
        var matrix = new long[c, c];
        for (var i = 0; i < c; i++)
        {
            for (var j = 0; j < c; j++)
            {
                matrix[i, j] = state.Confusion[i][j];
            }
        }

        return new EvaluationResult(ClassificationMetrics.FromConfusionMatrix(matrix), state.Loss);
    }

    private static EpochRecord ToRecord(EpochState e) =>
        new(e.Epoch, e.TrainLosses, e.LearningRate, FromState(e.Validation), FromState(e.Test), e.IsBest, TimeSpan.FromSeconds(e.Seconds));

    /// <summary>One call of <see cref="Fit"/>: its state, snapshots and outputs.</summary>
    private sealed class Run
    {
        private readonly Trainer<TBatch> trainer;
        private readonly TrainerOptions options;
        private readonly IBatchSource<TBatch> train;
        private readonly IBatchSource<TBatch>? validation;
        private readonly IBatchSource<TBatch>? test;
        private readonly CancellationToken cancellationToken;
        private readonly Stopwatch clock = Stopwatch.StartNew();
        private readonly string? directory;
        private TrainerState state = new();
        private double elapsedBefore;
        private (long Step, int Epoch)? saved;
        private Dictionary<string, Tensor>? best;
        private MetricsLog? log;
        private ProgressReporter progress = null!;
        private LearningRateSchedule schedule = null!;
        private TrainingStepContext context = null!;
        private double secondsPerBatch = double.NaN;
        private long windowSamples;
        private Stopwatch window = Stopwatch.StartNew();

        public Run(Trainer<TBatch> trainer, IBatchSource<TBatch> train, IBatchSource<TBatch>? validation, IBatchSource<TBatch>? test, CancellationToken cancellationToken)
        {
            this.trainer = trainer;
            options = trainer.Options;
            this.train = train;
            this.validation = validation;
            this.test = test;
            this.cancellationToken = cancellationToken;
            directory = string.IsNullOrWhiteSpace(options.CheckpointDirectory) ? null : Path.GetFullPath(options.CheckpointDirectory);
        }

        private nn.Module Module => trainer.module;

        private ITrainingModel<TBatch> Model => trainer.model;

        public TrainingResult Execute()
        {
            Tensor? classWeights = null;
            try
            {
                var resumedFrom = Start();
                if (state.ClassWeights is { } w)
                {
                    using var scope = NewDisposeScope();
                    classWeights = tensor(w, dtype: ScalarType.Float32).to(trainer.device).DetachFromDisposeScope();
                }

                context = new TrainingStepContext(trainer.optimizer, trainer.parameters, options.MaxGradNorm, trainer.device, classWeights);
                schedule = new LearningRateSchedule(LearningRateSchedule.ResolveWarmup(options, (long)options.Epochs * state.BatchesPerEpoch), options.LrStepSize, options.LrGamma);
                progress = new ProgressReporter(options.Progress, options.ProgressWriter, options.LogEverySteps, options.Epochs);
                if (options.MetricsLogPath is { } logPath)
                {
                    log = MetricsLog.Open(logPath, resumedFrom is null ? null : state.GlobalStep);
                }

                if (resumedFrom is not null)
                {
                    progress.Message($"resumed from {resumedFrom} (epoch {state.Epoch + 1}, batch {state.BatchInEpoch}, step {state.GlobalStep})");
                }

                while (state.Epoch < options.Epochs && !state.StoppedEarly)
                {
                    TrainEpoch();
                }

                return Finish(resumedFrom);
            }
            finally
            {
                classWeights?.Dispose();
                DisposeSnapshot(best);
                log?.Dispose();
            }
        }

        // Fresh run: class weights, then the seed (so the run's random stream starts at the seed whatever the label scan
        // did). Resume: everything from the latest checkpoint.
        private string? Start()
        {
            Model.Initialize(trainer.device, options.Seed);
            if (options.Resume && CheckpointStore.TryLoadLatest(directory!) is { } latest)
            {
                if (latest.State.BatchesPerEpoch != train.BatchesPerEpoch)
                {
                    throw new InvalidOperationException(
                        $"The checkpoint {latest.Directory} was written with {latest.State.BatchesPerEpoch} batches per epoch, but the training source has {train.BatchesPerEpoch}; resume needs the same source.");
                }

                CheckpointStore.Restore(latest.Directory, Module, trainer.optimizer, Model.Generators);
                state = latest.State;
                saved = (state.GlobalStep, state.Epoch);
                elapsedBefore = state.ElapsedSeconds;
                if (state.BestWeightsFile is { } file && validation is not null)
                {
                    best = SafeTensors.Load(Path.Combine(directory!, file));
                }

                return latest.Directory;
            }

            state = new TrainerState
            {
                BatchesPerEpoch = train.BatchesPerEpoch,
                Epochs = options.Epochs,
                Seed = options.Seed,
                ClassWeights = ResolveClassWeights(),
            };
            torch.manual_seed(options.Seed);
            if (trainer.device.type == DeviceType.CUDA)
            {
                torch.cuda.manual_seed_all(options.Seed);
            }

            return null;
        }

        private double[]? ResolveClassWeights()
        {
            switch (options.ClassWeighting)
            {
                case ClassWeightMode.Explicit:
                    return options.ClassWeights!.ToArray();
                case ClassWeightMode.Balanced:
                    var labels = new List<int>();
                    foreach (var batch in train.GetBatches(0))
                    {
                        try
                        {
                            using var scope = NewDisposeScope();
                            labels.AddRange(Model.Labels(batch).cpu().to(ScalarType.Int64).data<long>().ToArray().Select(y => checked((int)y)));
                        }
                        finally
                        {
                            (batch as IDisposable)?.Dispose();
                        }
                    }

                    return ClassWeights.Balanced(labels.ToArray(), Model.NumClasses);
                default:
                    return null;
            }
        }

        private void TrainEpoch()
        {
            var epoch = state.Epoch;
            var epochClock = Stopwatch.StartNew();
            Module.train();
            using (var batches = train.GetBatches(epoch, state.BatchInEpoch).GetEnumerator())
            {
                while (true)
                {
                    if (cancellationToken.IsCancellationRequested)
                    {
                        SaveCheckpoint();
                        progress.Message($"cancelled at epoch {epoch + 1}, batch {state.BatchInEpoch}, step {state.GlobalStep}" + (directory is null ? string.Empty : "; checkpoint written"));
                        cancellationToken.ThrowIfCancellationRequested();
                    }

                    if (!batches.MoveNext())
                    {
                        break;
                    }

                    var batch = batches.Current;
                    try
                    {
                        if (state.BatchInEpoch >= state.BatchesPerEpoch)
                        {
                            throw new InvalidOperationException($"The training source yielded more than BatchesPerEpoch = {state.BatchesPerEpoch} batches in epoch {epoch}.");
                        }

                        TrainBatch(epoch, batch);
                    }
                    finally
                    {
                        (batch as IDisposable)?.Dispose();
                    }
                }
            }

            if (state.BatchInEpoch != state.BatchesPerEpoch)
            {
                throw new InvalidOperationException($"The training source yielded {state.BatchInEpoch} batches in epoch {epoch}, but BatchesPerEpoch is {state.BatchesPerEpoch}.");
            }

            EndEpoch(epoch, epochClock);
        }

        private void TrainBatch(int epoch, TBatch batch)
        {
            var batchClock = Stopwatch.StartNew();
            var factor = schedule.Factor(state.GlobalStep, epoch);
            for (var g = 0; g < trainer.groupInfo.Length; g++)
            {
                trainer.optimizer.ParameterGroups[g].LearningRate = trainer.groupInfo[g].LearningRate * factor;
            }

            var learningRate = options.LearningRate * factor;
            context.BeginBatch(epoch, state.BatchInEpoch, state.GlobalStep, learningRate);
            if (trainer.device.type == DeviceType.CUDA)
            {
                torch.cuda.manual_seed_all(unchecked((options.Seed * 1_000_003) + state.GlobalStep));
            }

            IReadOnlyDictionary<string, double> losses;
            int size;
            using (var scope = NewDisposeScope())
            {
                var onDevice = Model.ToDevice(batch, trainer.device);
                try
                {
                    size = Model.BatchSize(onDevice);
                    losses = Model.TrainStep(onDevice, context) ?? throw new InvalidOperationException($"{Model.GetType().Name}.TrainStep returned null.");
                }
                finally
                {
                    DisposeCopy(onDevice, batch);
                }
            }

            foreach (var (name, value) in losses)
            {
                state.EpochLossSums[name] = state.EpochLossSums.GetValueOrDefault(name) + value;
            }

            var batchIndex = state.BatchInEpoch;
            state.EpochBatches++;
            state.BatchInEpoch++;
            state.GlobalStep++;
            state.OptimizerSteps += context.OptimizerSteps;
            state.LastLearningRate = learningRate;

            var seconds = batchClock.Elapsed.TotalSeconds;
            secondsPerBatch = double.IsNaN(secondsPerBatch) ? seconds : (0.9 * secondsPerBatch) + (0.1 * seconds);
            windowSamples += size;
            var throughput = windowSamples / Math.Max(window.Elapsed.TotalSeconds, 1e-9);
            var record = new TrainingStepRecord(epoch, batchIndex, state.GlobalStep, losses, learningRate, context.LastGradNorm, context.OptimizerSteps, throughput);
            if (state.GlobalStep % options.LogEverySteps == 0)
            {
                log?.WriteStep(record, elapsedBefore + clock.Elapsed.TotalSeconds);
                windowSamples = 0;
                window = Stopwatch.StartNew();
            }

            progress.Step(record, state.BatchesPerEpoch, secondsPerBatch);
            trainer.StepCompleted?.Invoke(trainer, record);

            // The epoch-end checkpoint follows validation, so a periodic one on the last batch would be redundant.
            if (options.CheckpointEverySteps > 0 && state.GlobalStep % options.CheckpointEverySteps == 0 && state.BatchInEpoch < state.BatchesPerEpoch)
            {
                SaveCheckpoint();
            }
        }

        private void EndEpoch(int epoch, Stopwatch epochClock)
        {
            var trainLosses = state.EpochLossSums.ToDictionary(kv => kv.Key, kv => kv.Value / Math.Max(1, state.EpochBatches), StringComparer.Ordinal);
            var validationResult = validation is null ? null : trainer.Evaluate(validation);
            var isBest = false;
            if (validationResult is not null)
            {
                var score = validationResult.Score(options.SelectionMetric);
                if (state.BestEpoch < 0 || score > state.BestScore + options.MinDelta)
                {
                    isBest = true;
                    state.BestScore = score;
                    state.BestEpoch = epoch;
                    state.EpochsWithoutImprovement = 0;
                    DisposeSnapshot(best);
                    best = Snapshot();
                    if (directory is not null)
                    {
                        var file = CheckpointStore.BestFileName(state.GlobalStep);
                        Directory.CreateDirectory(directory);
                        SafeTensors.Save(Path.Combine(directory, file), best, new Dictionary<string, string> { ["format"] = "pt", ["epoch"] = epoch.ToString(System.Globalization.CultureInfo.InvariantCulture) });
                        state.BestWeightsFile = file;
                    }
                }
                else
                {
                    state.EpochsWithoutImprovement++;
                }
            }
            else
            {
                isBest = true;
                state.BestEpoch = epoch;
            }

            var testResult = options.EvaluateTestEveryEpoch && test is not null ? trainer.Evaluate(test) : null;
            if (options.EarlyStoppingPatience is { } patience && state.EpochsWithoutImprovement >= patience)
            {
                state.StoppedEarly = true;
            }

            var epochState = new EpochState
            {
                Epoch = epoch,
                TrainLosses = trainLosses,
                LearningRate = state.LastLearningRate,
                Validation = ToState(validationResult),
                Test = ToState(testResult),
                IsBest = isBest,
                Seconds = epochClock.Elapsed.TotalSeconds,
            };
            state.History.Add(epochState);
            state.Epoch = epoch + 1;
            state.BatchInEpoch = 0;
            state.EpochLossSums.Clear();
            state.EpochBatches = 0;

            var record = new EpochRecord(epoch, trainLosses, epochState.LearningRate, validationResult, testResult, isBest, epochClock.Elapsed);
            log?.WriteEpoch(record, state.GlobalStep, state.BestEpoch);
            progress.Epoch(record, state.BestEpoch);
            trainer.EpochCompleted?.Invoke(trainer, record);
            SaveCheckpoint();
            if (state.StoppedEarly)
            {
                progress.Message($"early stopping: no improvement of {options.SelectionMetric} for {state.EpochsWithoutImprovement} epochs; best epoch {state.BestEpoch + 1}");
            }
        }

        private TrainingResult Finish(string? resumedFrom)
        {
            var history = state.History.Select(ToRecord).ToArray();
            EvaluationResult? testResult = null;
            if (best is not null && validation is not null)
            {
                if (options.RestoreBestWeights)
                {
                    WeightLoader.Load(Module, best);
                    testResult = test is null ? null : trainer.Evaluate(test);
                }
                else if (test is not null)
                {
                    var last = Snapshot();
                    try
                    {
                        WeightLoader.Load(Module, best);
                        testResult = trainer.Evaluate(test);
                        WeightLoader.Load(Module, last);
                    }
                    finally
                    {
                        DisposeSnapshot(last);
                    }
                }
            }
            else if (test is not null)
            {
                testResult = trainer.Evaluate(test);
            }

            var bestValidation = state.BestEpoch >= 0 ? history.First(h => h.Epoch == state.BestEpoch).Validation : null;
            var result = new TrainingResult(history, state.BestEpoch, bestValidation, testResult, state.StoppedEarly, state.GlobalStep,
                state.OptimizerSteps, TimeSpan.FromSeconds(elapsedBefore + clock.Elapsed.TotalSeconds), resumedFrom);
            log?.WriteEnd(result);
            if (testResult is not null)
            {
                progress.Message(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                    $"test (best epoch {state.BestEpoch + 1}): acc {testResult.Metrics.Accuracy:0.0000} weighted-F1 {testResult.Metrics.WeightedF1:0.0000} macro-F1 {testResult.Metrics.MacroF1:0.0000}"));
            }

            return result;
        }

        private void SaveCheckpoint()
        {
            // Nothing changed since the last checkpoint (e.g. cancelled right after a periodic one, or right after resuming).
            if (directory is null || saved == (state.GlobalStep, state.Epoch))
            {
                return;
            }

            state.ElapsedSeconds = elapsedBefore + clock.Elapsed.TotalSeconds;
            CheckpointStore.Save(directory, Module, trainer.optimizer, Model.Generators, state, options.KeepCheckpoints);
            saved = (state.GlobalStep, state.Epoch);
        }

        // A CPU copy of the state dict that no caller scope can free.
        private Dictionary<string, Tensor> Snapshot()
        {
            var copy = new Dictionary<string, Tensor>(StringComparer.Ordinal);
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            foreach (var (name, value) in Module.state_dict())
            {
                copy[name] = value.detach().cpu().clone().DetachFromDisposeScope();
            }

            return copy;
        }

        private static void DisposeSnapshot(Dictionary<string, Tensor>? snapshot)
        {
            if (snapshot is null)
            {
                return;
            }

            foreach (var t in snapshot.Values)
            {
                t.Dispose();
            }
        }
    }
}

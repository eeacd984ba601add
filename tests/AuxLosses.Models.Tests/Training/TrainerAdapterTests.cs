using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using AuxLosses.Models.Tests.Classifiers;
using FluentAssertions;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace AuxLosses.Models.Tests.Training;

[Collection(TrainingCollection.Name)]
public sealed class TrainerAdapterTests
{
    public static TheoryData<string> Adapters => new() { "late-random", "late-hard", "joint", "common-space", "spp-scl", "spp-scl-one-step", "late-spp-scl", "late-spp-scl-one-step" };

    private static ITrainingModel<PostBatch> Build(string kind) => kind switch
    {
        "late-random" => new LateFusionTrainingModel(TinyModels.LateFusion(), JointObjective.Paper(0.2, 0.2)),
        "late-hard" => HardNegatives(TinyModels.LateFusion()),
        "joint" => new PooledFusionTrainingModel(new JointFusionModel(new FakeTextEncoder(8), new FakeImageEncoder(6), TinyModels.Pooled())),
        "common-space" => new PooledFusionTrainingModel(new CommonSpaceFusionModel(new FakeTextEncoder(8), new FakeImageEncoder(6), TinyModels.Pooled()), 0.5),
        "spp-scl" => new SppSclTrainingModel(TinyModels.Spp()),
        "late-spp-scl" => new LateFusionSemiPushPullTrainingModel(TinyModels.LateFusion()),
        "late-spp-scl-one-step" => new LateFusionSemiPushPullTrainingModel(TinyModels.LateFusion(), twoStep: false),
        _ => new SppSclTrainingModel(TinyModels.Spp(), twoStep: false),
    };

    private static LateFusionTrainingModel HardNegatives(LateFusionClassifier classifier) =>
        new(classifier, JointObjective.Paper(0.2, 0.2), null,
            new ImageTextMatchingLoss(classifier.Fusion.OutputSize, samplerOptions: new NegativeSamplerOptions { Strategy = NegativeSamplingStrategy.Hard }),
            excludeSameLabelNegatives: true);

    [Theory]
    [MemberData(nameof(Adapters))]
    public void Loss_Falls_EndToEnd(string kind)
    {
        using var source = new SyntheticPostSource(count: 24, batchSize: 8, missingImages: kind.Contains("spp", StringComparison.Ordinal) ? 0 : 2);
        using var validation = new SyntheticPostSource(count: 9, batchSize: 9, seed: 11, shuffle: false);
        var adapter = Build(kind);
        try
        {
            using var trainer = new Trainer<PostBatch>(adapter, new TrainerOptions { Epochs = 6, LearningRate = 1e-2, WeightDecay = 0, Progress = ProgressMode.None });
            var result = trainer.Fit(source, validation);

            result.History.Should().HaveCount(6);
            var first = result.History[0].TrainLosses;
            var last = result.History[^1].TrainLosses;
            last["ce"].Should().BeLessThan(first["ce"] * 0.9, $"{kind}: the cross-entropy falls ({first["ce"]} → {last["ce"]})");
            last["loss"].Should().BeLessThan(first["loss"], kind);
            double.IsFinite(result.BestValidation!.Loss).Should().BeTrue();
            result.BestValidation.Metrics.Count.Should().Be(9);
            if (kind.StartsWith("late", StringComparison.Ordinal) && !kind.Contains("spp", StringComparison.Ordinal))
            {
                first.Keys.Should().Contain(["loss", "ce", "itc", "itm"]);
            }
        }
        finally
        {
            (adapter as IDisposable)?.Dispose();
        }
    }

    [Fact]
    public void SppScl_TakesTwoOptimizerStepsPerBatch_WhenTheConditionFails()
    {
        using var source = new SyntheticPostSource(count: 12, batchSize: 4);
        // α = 10 puts the skip threshold int(P·10) above any count: step 2 runs on every batch.
        using var objective = new SemiPushPullObjective(new SemiPushPullOptions { Alpha = 10 });
        var model = TinyModels.Spp();
        using var adapter = new SppSclTrainingModel(model, objective);
        using var trainer = new Trainer<PostBatch>(adapter, new TrainerOptions { Epochs = 2, Progress = ProgressMode.None });
        var steps = new List<int>();
        trainer.StepCompleted += (_, r) => steps.Add(r.OptimizerSteps);

        var result = trainer.Fit(source);

        steps.Should().HaveCount(6).And.OnlyContain(s => s == 2);
        result.OptimizerSteps.Should().Be(12);
        result.History.Should().OnlyContain(h => h.TrainLosses["step2"] == 1.0 && h.TrainLosses["inter"] > 0);
        // zero_grad sets gradients to none, so step 2 (L_inter) moves only the aligned branch: its parameters have taken
        // 12 AdamW steps, the CMF/classifier parameters 6.
        var counts = AdamStepCounts(trainer);
        counts.Should().OnlyContain(s => s == 6 || s == 12).And.Contain(12).And.Contain(6);
    }

    [Fact]
    public void SppScl_SkipsStepTwo_WhenAligned_AndTheAblationTakesOneStep()
    {
        using var source = new SyntheticPostSource(count: 8, batchSize: 4);
        // α = 0: threshold 0 ≤ count always, so step 2 is always skipped.
        using var objective = new SemiPushPullObjective(new SemiPushPullOptions { Alpha = 0 });
        using var skipping = new SppSclTrainingModel(TinyModels.Spp(), objective);
        using (var trainer = new Trainer<PostBatch>(skipping, new TrainerOptions { Epochs = 1, Progress = ProgressMode.None }))
        {
            var result = trainer.Fit(source);
            result.OptimizerSteps.Should().Be(2);
            result.History[0].TrainLosses["step2"].Should().Be(0);
            result.History[0].TrainLosses["inter"].Should().Be(0);
        }

        using var oneStep = new SppSclTrainingModel(TinyModels.Spp(), twoStep: false);
        using (var trainer = new Trainer<PostBatch>(oneStep, new TrainerOptions { Epochs = 1, Progress = ProgressMode.None }))
        {
            trainer.Fit(source).OptimizerSteps.Should().Be(2);
        }
    }

    [Fact]
    public void LateFusionSppScl_PushesTheItcProjections_InItsSecondStep()
    {
        using var source = new SyntheticPostSource(count: 12, batchSize: 4);
        using var objective = new SemiPushPullObjective(new SemiPushPullOptions { Alpha = 10 });   // step 2 on every batch
        var classifier = TinyModels.LateFusion();
        using var adapter = new LateFusionSemiPushPullTrainingModel(classifier, objective);
        using var trainer = new Trainer<PostBatch>(adapter, new TrainerOptions { Epochs = 2, Progress = ProgressMode.None });
        var steps = new List<int>();
        trainer.StepCompleted += (_, r) => steps.Add(r.OptimizerSteps);

        var result = trainer.Fit(source);

        steps.Should().HaveCount(6).And.OnlyContain(s => s == 2);
        result.History.Should().OnlyContain(h => h.TrainLosses["step2"] == 1.0 && h.TrainLosses["inter"] > 0);
        // L_inter reads only e_v = P_v x_v and e_t = P_t x_t: the projections (and encoders) take both steps of every
        // batch, the fusion and classification head only step 1's.
        var counts = trainer.ParameterGroups.SelectMany(g => g.ParameterNames).ToDictionary(n => n, trainer.Optimizer.GetStepCount);
        counts.Where(c => c.Key.Contains("projection", StringComparison.Ordinal)).Should().NotBeEmpty().And.OnlyContain(c => c.Value == 12);
        counts.Where(c => c.Key.Contains("linear_cls", StringComparison.Ordinal)).Should().NotBeEmpty().And.OnlyContain(c => c.Value == 6);
        adapter.Module.Should().BeSameAs(classifier);
        adapter.NumClasses.Should().Be(3);
        adapter.SupportsClassWeights.Should().BeFalse();
    }

    [Fact]
    public void LateFusionSppScl_RejectsAPostWithoutAnImage_NamingIt()
    {
        using var source = new SyntheticPostSource(count: 8, batchSize: 8, missingImages: 2, shuffle: false);
        using var adapter = new LateFusionSemiPushPullTrainingModel(TinyModels.LateFusion());
        using var trainer = new Trainer<PostBatch>(adapter, new TrainerOptions { Epochs = 1, Progress = ProgressMode.None });

        var act = () => trainer.Fit(source);

        act.Should().Throw<ArgumentException>().Where(e => e.Message.Contains("2 of 8") && e.Message.Contains("MissingImagePolicy"));
    }

    [Theory]
    [InlineData(3)] // mid-epoch 0
    [InlineData(4)] // after the last batch of epoch 0, before its validation
    [InlineData(6)] // mid-epoch 1
    public void Resume_AfterCancellation_ReachesBitwiseTheSameWeightsAndMetrics(int stopAfter)
    {
        using var source = new SyntheticPostSource(count: 16, batchSize: 4);
        using var validation = new SyntheticPostSource(count: 9, batchSize: 5, seed: 11, shuffle: false);
        using var directory = new TempDirectory();
        TrainerOptions Options(string log, string? checkpoints = null) => new()
        {
            Epochs = 3,
            LearningRate = 5e-3,
            WarmupSteps = 3,
            LrStepSize = 1,
            LrGamma = 0.7,
            MaxGradNorm = 1.0,
            Seed = 5,
            ClassWeighting = ClassWeightMode.Balanced,
            Progress = ProgressMode.None,
            LogEverySteps = 1,
            MetricsLogPath = Path.Combine(directory.Path, log),
            CheckpointDirectory = checkpoints,
            CheckpointEverySteps = checkpoints is null ? 0 : 2,
            Resume = checkpoints is not null,
        };

        // Uninterrupted reference run. Dropout (p = 0.5 in the text encoder, 0.3 in the head) and random ITM negatives are on.
        var (reference, referenceWeights) = Train(Options("a.jsonl"));

        // Interrupted run: cancelled after `stopAfter` batches (a checkpoint is written), then resumed by a new trainer
        // on a freshly built model whose weights the checkpoint replaces.
        var checkpoints = Path.Combine(directory.Path, "ckpt");
        var interrupted = Options("b.jsonl", checkpoints);
        using (var cts = new CancellationTokenSource())
        {
            var act = () => Train(interrupted, cts, stopAfter);
            act.Should().Throw<OperationCanceledException>();
        }

        Directory.GetDirectories(checkpoints, "checkpoint-*").Select(Path.GetFileName).Should().Contain($"checkpoint-{stopAfter:D9}");
        var (resumed, resumedWeights) = Train(interrupted);

        resumed.ResumedFrom.Should().EndWith($"checkpoint-{stopAfter:D9}");
        resumed.GlobalSteps.Should().Be(reference.GlobalSteps);
        resumed.OptimizerSteps.Should().Be(reference.OptimizerSteps);
        resumed.History.Should().HaveCount(3);
        for (var e = 0; e < 3; e++)
        {
            resumed.History[e].TrainLosses.Should().Equal(reference.History[e].TrainLosses, $"epoch {e} mean losses are bitwise equal");
            resumed.History[e].LearningRate.Should().Be(reference.History[e].LearningRate);
            resumed.History[e].Validation!.Loss.Should().Be(reference.History[e].Validation!.Loss);
            resumed.History[e].Validation!.Metrics.GetConfusionMatrix().Should().BeEquivalentTo(reference.History[e].Validation!.Metrics.GetConfusionMatrix());
        }

        resumed.BestEpoch.Should().Be(reference.BestEpoch);
        resumed.Test!.Loss.Should().Be(reference.Test!.Loss);
        resumedWeights.Keys.Should().BeEquivalentTo(referenceWeights.Keys);
        foreach (var (name, value) in referenceWeights)
        {
            BitwiseEqual(value, resumedWeights[name]).Should().BeTrue($"{name} is bitwise equal");
        }

        // The resumed log drops nothing and repeats nothing: its step records equal the reference's.
        StepLosses(Path.Combine(directory.Path, "b.jsonl")).Should().Equal(StepLosses(Path.Combine(directory.Path, "a.jsonl")));

        TinyModels.DisposeAll(referenceWeights.Values);
        TinyModels.DisposeAll(resumedWeights.Values);

        (TrainingResult Result, Dictionary<string, Tensor> Weights) Train(TrainerOptions runOptions, CancellationTokenSource? cts = null, int cancelAt = 0)
        {
            var classifier = TinyModels.LateFusion(dropout: 0.3);
            using var adapter = new LateFusionTrainingModel(classifier, JointObjective.Paper());
            using var trainer = new Trainer<PostBatch>(adapter, runOptions);
            if (cts is not null)
            {
                trainer.StepCompleted += (_, r) =>
                {
                    if (r.GlobalStep == cancelAt)
                    {
                        cts.Cancel();
                    }
                };
            }

            var result = trainer.Fit(source, validation, validation, cts?.Token ?? default);
            return (result, TinyModels.Snapshot(adapter.Module));
        }
    }

    [Fact]
    public void Checkpoints_AreWrittenAtomically_PrunedAndSelfContained()
    {
        using var source = new SyntheticPostSource(count: 12, batchSize: 4);
        using var validation = new SyntheticPostSource(count: 6, batchSize: 6, seed: 3);
        using var directory = new TempDirectory();
        var classifier = TinyModels.LateFusion();
        using var adapter = new LateFusionTrainingModel(classifier, JointObjective.Paper());
        using var trainer = new Trainer<PostBatch>(adapter, new TrainerOptions
        {
            Epochs = 2,
            CheckpointDirectory = directory.Path,
            CheckpointEverySteps = 2,
            KeepCheckpoints = 2,
            Progress = ProgressMode.None,
        });

        var result = trainer.Fit(source, validation);

        var names = Directory.GetFileSystemEntries(directory.Path).Select(Path.GetFileName).ToArray();
        // Written at steps 2 and 4 (every 2 batches) and 3 and 6 (epoch ends; step 6 is not written twice); 2 kept.
        names.Should().Contain(["latest.json", "checkpoint-000000004", "checkpoint-000000006"]);
        names.Where(n => n!.StartsWith("checkpoint-", StringComparison.Ordinal)).Should().HaveCount(2);
        names.Should().NotContain(n => n!.StartsWith(".tmp", StringComparison.Ordinal) || n.EndsWith(".tmp", StringComparison.Ordinal));
        var best = names.Where(n => n!.StartsWith("best-", StringComparison.Ordinal)).ToArray();
        // Best weights referenced by a kept checkpoint stay: epoch 0's (by checkpoint 4) and epoch 1's when it improved.
        best.Should().BeEquivalentTo(result.BestEpoch == 0 ? ["best-000000003.safetensors"] : ["best-000000003.safetensors", "best-000000006.safetensors"]);
        File.ReadAllText(Path.Combine(directory.Path, "latest.json")).Should().Contain("checkpoint-000000006");
        Directory.GetFiles(Path.Combine(directory.Path, "checkpoint-000000006")).Select(Path.GetFileName)
            .Should().BeEquivalentTo(["model.safetensors", "optimizer.safetensors", "rng.safetensors", "trainer.json"]);
        SafeTensors.ReadHeader(Path.Combine(directory.Path, "checkpoint-000000006", "model.safetensors")).Keys
            .Should().Contain(["classifier.linear_cls.weight", "itc.logit_scale", "itm.head.weight"])
            .And.Contain(k => k.EndsWith("running_mean", StringComparison.Ordinal), "buffers (BatchNorm statistics) are saved");

        // Resuming a finished run trains nothing and reports the same result.
        var again = TinyModels.LateFusion();
        using var adapter2 = new LateFusionTrainingModel(again, JointObjective.Paper());
        using var trainer2 = new Trainer<PostBatch>(adapter2, new TrainerOptions { Epochs = 2, CheckpointDirectory = directory.Path, Resume = true, Progress = ProgressMode.None });
        var steps = 0;
        trainer2.StepCompleted += (_, _) => steps++;
        var replay = trainer2.Fit(source, validation);
        steps.Should().Be(0);
        replay.BestEpoch.Should().Be(result.BestEpoch);
        replay.BestValidation!.Loss.Should().Be(result.BestValidation!.Loss);
    }

    [Fact]
    public void Resume_RejectsACheckpointOfAnotherSource()
    {
        using var directory = new TempDirectory();
        using (var model = new VectorModel())
        using (var trainer = new Trainer<VectorBatch>(model, new TrainerOptions { Epochs = 1, CheckpointDirectory = directory.Path, Progress = ProgressMode.None }))
        {
            trainer.Fit(new VectorSource(batches: 2));
        }

        using var other = new VectorModel();
        using var resumed = new Trainer<VectorBatch>(other, new TrainerOptions { Epochs = 2, CheckpointDirectory = directory.Path, Resume = true, Progress = ProgressMode.None });
        ((Action)(() => resumed.Fit(new VectorSource(batches: 3)))).Should().Throw<InvalidOperationException>().WithMessage("*2 batches per epoch*3*");
    }

    private static bool BitwiseEqual(Tensor a, Tensor b)
    {
        using var scope = NewDisposeScope();
        return a.dtype == b.dtype && a.shape.SequenceEqual(b.shape) && a.eq(b).all().item<bool>();
    }

    private static long[] AdamStepCounts(Trainer<PostBatch> trainer) =>
        trainer.ParameterGroups.SelectMany(g => g.ParameterNames).Select(trainer.Optimizer.GetStepCount).ToArray();

    private static string[] StepLosses(string path) =>
        File.ReadAllLines(path)
            .Select(l => System.Text.Json.JsonDocument.Parse(l))
            .Select(d =>
            {
                using (d)
                {
                    var root = d.RootElement;
                    return root.GetProperty("type").GetString() == "step"
                        ? $"{root.GetProperty("step").GetInt64()}:{root.GetProperty("losses").GetRawText()}:{root.GetProperty("lr").GetDouble()}"
                        : root.GetProperty("type").GetString() + ":" + root.GetProperty("step").GetInt64();
                }
            })
            .ToArray();
}

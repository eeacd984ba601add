using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using FluentAssertions;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace AuxLosses.Models.Tests.Training;

[Collection(TrainingCollection.Name)]
public sealed class TrainerLoopTests
{
    private static TrainerOptions Quiet(TrainerOptions? options = null) => options is null
        ? new TrainerOptions { Progress = ProgressMode.None }
        : options;

    [Fact]
    public void LearningRate_FollowsWarmupThenStepLr_PerBatch()
    {
        using var model = new VectorModel();
        using var trainer = new Trainer<VectorBatch>(model, new TrainerOptions
        {
            Epochs = 5,
            LearningRate = 0.1,
            WarmupSteps = 3,
            LrStepSize = 2,
            LrGamma = 0.5,
            Progress = ProgressMode.None,
        });
        var seen = new List<(double Record, double Group)>();
        trainer.StepCompleted += (_, r) => seen.Add((r.LearningRate, trainer.Optimizer.ParameterGroups[0].LearningRate));

        trainer.Fit(new VectorSource(batches: 4));

        // lr(s, e) = 0.1 · min(1, (s+1)/3) · 0.5^⌊e/2⌋, four batches per epoch.
        double[] expected =
        [
            0.1 / 3, 0.2 / 3, 0.1, 0.1,     // epoch 0: warmup over 3 batches
            0.1, 0.1, 0.1, 0.1,             // epoch 1
            0.05, 0.05, 0.05, 0.05,         // epoch 2: first StepLR decay
            0.05, 0.05, 0.05, 0.05,         // epoch 3
            0.025, 0.025, 0.025, 0.025,     // epoch 4
        ];
        seen.Select(s => s.Record).Should().Equal(expected, (a, b) => Math.Abs(a - b) < 1e-15);
        seen.Select(s => s.Group).Should().Equal(expected, (a, b) => Math.Abs(a - b) < 1e-15, "the optimizer's group uses the scheduled rate");
    }

    [Fact]
    public void WarmupRatio_RoundsUp_AndModuleRatesScaleWithTheSchedule()
    {
        using var model = new VectorModel();
        using var trainer = new Trainer<VectorBatch>(model, new TrainerOptions
        {
            Epochs = 2,
            LearningRate = 0.1,
            WarmupRatio = 0.3,
            Progress = ProgressMode.None, // ⌈0.3 · 10⌉ = 3 warmup batches
            ModuleLearningRates = new Dictionary<string, double> { ["hidden"] = 0.01 },
        });
        var hiddenGroup = trainer.ParameterGroups.Select((g, i) => (g, i)).First(x => x.g.Name.StartsWith("hidden/", StringComparison.Ordinal)).i;
        var seen = new List<(double Base, double Hidden)>();
        trainer.StepCompleted += (_, r) => seen.Add((r.LearningRate, trainer.Optimizer.ParameterGroups[hiddenGroup].LearningRate));

        trainer.Fit(new VectorSource(batches: 5));

        seen.Select(s => s.Base).Take(4).Should().Equal([0.1 / 3, 0.2 / 3, 0.1, 0.1], (a, b) => Math.Abs(a - b) < 1e-15);
        seen.Select(s => s.Hidden).Take(4).Should().Equal([0.01 / 3, 0.02 / 3, 0.01, 0.01], (a, b) => Math.Abs(a - b) < 1e-15);
    }

    [Fact]
    public void ParameterGroups_NoDecayOnBiasesNormsAndScalars_AndPrefixRates()
    {
        using var module = new GroupProbe();
        using var adapter = new ModuleOnlyAdapter(module);
        using var trainer = new Trainer<VectorBatch>(adapter, new TrainerOptions
        {
            WeightDecay = 0.05,
            LearningRate = 1e-3,
            Progress = ProgressMode.None,
            ModuleLearningRates = new Dictionary<string, double> { ["encoder"] = 1e-5 },
        });

        var groups = trainer.ParameterGroups.ToDictionary(g => g.Name);
        groups.Keys.Should().BeEquivalentTo(["default/decay", "default/no_decay", "encoder/decay", "encoder/no_decay"]);
        groups["default/decay"].ParameterNames.Should().BeEquivalentTo(["head.weight"]);
        groups["default/no_decay"].ParameterNames.Should().BeEquivalentTo(["head.bias", "bn.weight", "bn.bias", "logit_scale"]);
        groups["encoder/decay"].ParameterNames.Should().BeEquivalentTo(["encoder.embed.weight", "encoder.proj.weight"]);
        groups["encoder/no_decay"].ParameterNames.Should().BeEquivalentTo(["encoder.proj.bias", "encoder.LayerNorm.weight", "encoder.LayerNorm.bias"]);
        groups.Values.SelectMany(g => g.ParameterNames).Should().NotContain("frozen.weight", "frozen parameters are not optimized");
        groups["default/decay"].WeightDecay.Should().Be(0.05);
        groups["default/no_decay"].WeightDecay.Should().Be(0);
        groups["encoder/decay"].LearningRate.Should().Be(1e-5);
        groups["default/no_decay"].LearningRate.Should().Be(1e-3);

        // The optimizer's groups carry the same settings, in the same order.
        var optimizerGroups = trainer.Optimizer.ParameterGroups;
        optimizerGroups.Select(g => g.WeightDecay).Should().Equal(trainer.ParameterGroups.Select(g => g.WeightDecay));
        optimizerGroups.Select(g => g.LearningRate).Should().Equal(trainer.ParameterGroups.Select(g => g.LearningRate));
        optimizerGroups.Select(g => g.ParameterNames).Should().BeEquivalentTo(trainer.ParameterGroups.Select(g => g.ParameterNames), o => o.WithStrictOrdering());
    }

    [Fact]
    public void GradientClipping_CapsTheGlobalNorm()
    {
        using var model = new VectorModel { LossScale = 1e4 };
        var after = new List<(double Reported, double Actual)>();
        model.AfterStep = context => after.Add((context.LastGradNorm, model.GradNorm()));
        using var trainer = new Trainer<VectorBatch>(model, new TrainerOptions { Epochs = 1, MaxGradNorm = 0.5, Progress = ProgressMode.None });
        var records = new List<TrainingStepRecord>();
        trainer.StepCompleted += (_, r) => records.Add(r);

        trainer.Fit(new VectorSource(batches: 3));

        after.Should().HaveCount(3);
        after.Should().OnlyContain(a => a.Reported > 0.5, "the loss is scaled so the raw norm exceeds the cap");
        after.Should().OnlyContain(a => a.Actual <= 0.5 * (1 + 1e-5), "clip_grad_norm_ rescales to the cap");
        after.Should().OnlyContain(a => a.Actual >= 0.5 * (1 - 1e-3));
        records.Select(r => r.GradNorm).Should().Equal(after.Select(a => a.Reported));

        using var unclipped = new VectorModel { LossScale = 1e4 };
        var norms = new List<double>();
        unclipped.AfterStep = context => norms.Add(context.LastGradNorm);
        using var plain = new Trainer<VectorBatch>(unclipped, new TrainerOptions { Epochs = 1, Progress = ProgressMode.None });
        plain.Fit(new VectorSource(batches: 1));
        double.IsNaN(norms.Single()).Should().BeTrue("no norm is computed without clipping");
    }

    [Fact]
    public void BalancedClassWeights_AreSklearns_AndReachTheStep()
    {
        // 12 labels: class 0 ×6, class 1 ×2, class 2 ×4 → w_c = 12 / (3 · count_c) = [2/3, 2, 1].
        int[] labels = [0, 0, 0, 0, 0, 0, 1, 1, 2, 2, 2, 2];
        using var model = new VectorModel();
        double[]? seen = null;
        model.AfterStep = context => seen ??= context.ClassWeights!.data<float>().ToArray().Select(v => (double)v).ToArray();
        using var trainer = new Trainer<VectorBatch>(model, new TrainerOptions { Epochs = 1, ClassWeighting = ClassWeightMode.Balanced, Progress = ProgressMode.None });

        trainer.Fit(new VectorSource(batches: 3, labels: labels));

        seen.Should().Equal([2.0 / 3, 2.0, 1.0], (a, b) => Math.Abs(a - b) < 1e-6);
    }

    private static readonly float[] ExplicitWeights = [0.5f, 2f, 1f];

    [Fact]
    public void ExplicitClassWeights_ChangeTheLateFusionCrossEntropy_AsTheWeightedMean()
    {
        using var source = new SyntheticPostSource(count: 6, batchSize: 6, labels: [0, 0, 0, 1, 2, 2]);
        var classifier = TinyModels.LateFusion();
        using var adapter = new LateFusionTrainingModel(classifier, new JointObjective().Add("ce", 1.0));
        classifier.eval();
        using var scope = NewDisposeScope();
        using var batch = source.GetBatches(0).Single();
        var weights = tensor(ExplicitWeights);

        var weighted = adapter.Losses(batch, weights)["ce"].ToDouble();
        var plain = adapter.Losses(batch)["ce"].ToDouble();

        var logits = classifier.forward(batch.Pixels, batch.InputIds, batch.AttentionMask).Logits.to(ScalarType.Float64);
        var logp = nn.functional.log_softmax(logits, 1).data<double>().ToArray();
        var y = batch.Labels.data<long>().ToArray();
        double[] w = [0.5, 2, 1];
        double num = 0, den = 0, sum = 0;
        for (var i = 0; i < y.Length; i++)
        {
            var nll = -logp[(i * 3) + y[i]];
            num += w[y[i]] * nll;
            den += w[y[i]];
            sum += nll;
        }

        weighted.Should().BeApproximately(num / den, 1e-5, "PyTorch's weighted CE is Σ w_y·ℓ / Σ w_y");
        plain.Should().BeApproximately(sum / y.Length, 1e-5);
        weighted.Should().NotBeApproximately(plain, 1e-4);
    }

    [Fact]
    public void LateFusionAuxiliaryTerms_UseOnlyPostsWithAnImage()
    {
        var classifier = TinyModels.LateFusion();
        using var adapter = new LateFusionTrainingModel(classifier, JointObjective.Paper());
        classifier.eval();
        using var scope = NewDisposeScope();
        using (var oneImage = new SyntheticPostSource(count: 3, batchSize: 3, missingImages: 2))
        {
            using var batch = oneImage.GetBatches(0).Single();
            var terms = adapter.Losses(batch);
            terms["itc"].ToDouble().Should().Be(0, "one post with an image has no contrastive pair");
            terms["itm"].ToDouble().Should().Be(0);
            terms["ce"].ToDouble().Should().BePositive("CE still uses every post");
        }

        using var mixed = new SyntheticPostSource(count: 4, batchSize: 4, missingImages: 1, shuffle: false);
        using var mixedBatch = mixed.GetBatches(0).Single();
        var itc = adapter.Losses(mixedBatch)["itc"].ToDouble();
        var output = classifier.forward(mixedBatch.Pixels, mixedBatch.InputIds, mixedBatch.AttentionMask);
        var rows = tensor(new long[] { 1, 2, 3 });
        var expected = adapter.Contrastive!.forward(output.ImageEmbedding.index_select(0, rows), output.TextEmbedding.index_select(0, rows)).ToDouble();
        itc.Should().BeApproximately(expected, 1e-6, "ITC over the three posts with an image");
    }

    [Fact]
    public void EarlyStopping_StopsAfterPatience_AndRestoresTheBestWeights()
    {
        // Validation accuracy per epoch 0.25, 0.75 (best), 0.5, 0.5 → patience 2 stops after epoch 3.
        using var adapter = new ScriptedAdapter([1, 3, 2, 2, 4, 4]);
        using var trainer = new Trainer<VectorBatch>(adapter, new TrainerOptions
        {
            Epochs = 6,
            EarlyStoppingPatience = 2,
            SelectionMetric = ModelSelectionMetric.Accuracy,
            Progress = ProgressMode.None,
        });

        var result = trainer.Fit(new VectorSource(batches: 2), new VectorSource(batches: 1), new VectorSource(batches: 1));

        result.StoppedEarly.Should().BeTrue();
        result.History.Should().HaveCount(4);
        result.BestEpoch.Should().Be(1);
        result.BestValidation!.Metrics.Accuracy.Should().Be(0.75);
        result.History.Select(h => h.Validation!.Metrics.Accuracy).Should().Equal(0.25, 0.75, 0.5, 0.5);
        result.History.Select(h => h.IsBest).Should().Equal(true, true, false, false);
        adapter.CorrectCount.Should().Be(3, "the best epoch's weights are restored");
        result.Test!.Metrics.Accuracy.Should().Be(0.75, "the test source is evaluated with the best epoch's weights");
    }

    [Fact]
    public void MinDelta_MakesSmallGainsCountAsNoImprovement()
    {
        using var adapter = new ScriptedAdapter([2, 3, 3, 3]);
        using var trainer = new Trainer<VectorBatch>(adapter, new TrainerOptions
        {
            Epochs = 4,
            EarlyStoppingPatience = 1,
            MinDelta = 0.3,
            SelectionMetric = ModelSelectionMetric.Accuracy,
            Progress = ProgressMode.None,
        });

        var result = trainer.Fit(new VectorSource(batches: 1), new VectorSource(batches: 1));

        result.BestEpoch.Should().Be(0, "0.75 − 0.5 is not more than MinDelta 0.3");
        result.History.Should().HaveCount(2);
        adapter.CorrectCount.Should().Be(2);
    }

    [Fact]
    public void NoRestore_KeepsTheLastWeights_ButTestsTheBestEpoch()
    {
        using var adapter = new ScriptedAdapter([1, 4, 2]);
        using var trainer = new Trainer<VectorBatch>(adapter, new TrainerOptions
        {
            Epochs = 3,
            RestoreBestWeights = false,
            SelectionMetric = ModelSelectionMetric.Accuracy,
            Progress = ProgressMode.None,
        });

        var result = trainer.Fit(new VectorSource(batches: 1), new VectorSource(batches: 1), new VectorSource(batches: 1));

        result.BestEpoch.Should().Be(1);
        result.Test!.Metrics.Accuracy.Should().Be(1.0);
        adapter.CorrectCount.Should().Be(2, "the last epoch's weights stay");
    }

    public static TheoryData<Func<TrainerOptions>, string> BadOptions => new()
    {
        { () => new TrainerOptions { Epochs = 0 }, nameof(TrainerOptions.Epochs) },
        { () => new TrainerOptions { LearningRate = 0 }, nameof(TrainerOptions.LearningRate) },
        { () => new TrainerOptions { LearningRate = double.NaN }, nameof(TrainerOptions.LearningRate) },
        { () => new TrainerOptions { WeightDecay = -1 }, nameof(TrainerOptions.WeightDecay) },
        { () => new TrainerOptions { Beta1 = 1 }, nameof(TrainerOptions.Beta1) },
        { () => new TrainerOptions { Beta2 = -0.1 }, nameof(TrainerOptions.Beta2) },
        { () => new TrainerOptions { Epsilon = 0 }, nameof(TrainerOptions.Epsilon) },
        { () => new TrainerOptions { ModuleLearningRates = new Dictionary<string, double> { ["hidden"] = -1 } }, nameof(TrainerOptions.ModuleLearningRates) },
        { () => new TrainerOptions { ModuleLearningRates = new Dictionary<string, double> { ["nope"] = 1e-3 } }, nameof(TrainerOptions.ModuleLearningRates) },
        { () => new TrainerOptions { WarmupSteps = -1 }, nameof(TrainerOptions.WarmupSteps) },
        { () => new TrainerOptions { WarmupRatio = 1.5 }, nameof(TrainerOptions.WarmupRatio) },
        { () => new TrainerOptions { WarmupSteps = 2, WarmupRatio = 0.1 }, nameof(TrainerOptions.WarmupRatio) },
        { () => new TrainerOptions { LrStepSize = 0 }, nameof(TrainerOptions.LrStepSize) },
        { () => new TrainerOptions { LrGamma = 0 }, nameof(TrainerOptions.LrGamma) },
        { () => new TrainerOptions { MaxGradNorm = 0 }, nameof(TrainerOptions.MaxGradNorm) },
        { () => new TrainerOptions { ClassWeighting = (ClassWeightMode)9 }, nameof(TrainerOptions.ClassWeighting) },
        { () => new TrainerOptions { ClassWeighting = ClassWeightMode.Explicit }, nameof(TrainerOptions.ClassWeights) },
        { () => new TrainerOptions { ClassWeighting = ClassWeightMode.Explicit, ClassWeights = [1, 2] }, nameof(TrainerOptions.ClassWeights) },
        { () => new TrainerOptions { ClassWeighting = ClassWeightMode.Explicit, ClassWeights = [1, -2, 1] }, nameof(TrainerOptions.ClassWeights) },
        { () => new TrainerOptions { ClassWeights = [1, 1, 1] }, nameof(TrainerOptions.ClassWeights) },
        { () => new TrainerOptions { SelectionMetric = (ModelSelectionMetric)7 }, nameof(TrainerOptions.SelectionMetric) },
        { () => new TrainerOptions { EarlyStoppingPatience = 0 }, nameof(TrainerOptions.EarlyStoppingPatience) },
        { () => new TrainerOptions { MinDelta = -0.1 }, nameof(TrainerOptions.MinDelta) },
        { () => new TrainerOptions { CheckpointEverySteps = -1 }, nameof(TrainerOptions.CheckpointEverySteps) },
        { () => new TrainerOptions { CheckpointEverySteps = 5 }, nameof(TrainerOptions.CheckpointEverySteps) },
        { () => new TrainerOptions { KeepCheckpoints = 0 }, nameof(TrainerOptions.KeepCheckpoints) },
        { () => new TrainerOptions { Resume = true }, nameof(TrainerOptions.Resume) },
        { () => new TrainerOptions { LogEverySteps = 0 }, nameof(TrainerOptions.LogEverySteps) },
        { () => new TrainerOptions { Progress = (ProgressMode)5 }, nameof(TrainerOptions.Progress) },
    };

    [Theory]
    [MemberData(nameof(BadOptions))]
    public void BadOptions_ThrowArgumentOutOfRange_NamingTheOption(Func<TrainerOptions> options, string name)
    {
        using var model = new VectorModel();
        var act = () => new Trainer<VectorBatch>(model, options());
        act.Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be(name);
    }

    [Fact]
    public void ClassWeights_OnAnAdapterWithoutThem_AndEarlyStoppingWithoutValidation_AreRejected()
    {
        var spp = TinyModels.Spp();
        using var adapter = new SppSclTrainingModel(spp);
        var act = () => new Trainer<PostBatch>(adapter, new TrainerOptions { ClassWeighting = ClassWeightMode.Balanced });
        act.Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be(nameof(TrainerOptions.ClassWeighting));

        using var model = new VectorModel();
        using var trainer = new Trainer<VectorBatch>(model, new TrainerOptions { EarlyStoppingPatience = 2, Progress = ProgressMode.None });
        var fit = () => trainer.Fit(new VectorSource(1));
        fit.Should().Throw<ArgumentException>().Which.ParamName.Should().Be("validation");
    }

    [Fact]
    public void MetricsLog_WritesOneParsableObjectPerLine_WithStepEpochAndEndRecords()
    {
        using var directory = new TempDirectory();
        var path = Path.Combine(directory.Path, "logs", "metrics.jsonl");
        using var model = new VectorModel();
        using var trainer = new Trainer<VectorBatch>(model, new TrainerOptions
        {
            Epochs = 2,
            LogEverySteps = 2,
            MetricsLogPath = path,
            MaxGradNorm = 1.0,
            EvaluateTestEveryEpoch = true,
            Progress = ProgressMode.None,
        });

        trainer.Fit(new VectorSource(batches: 4), new VectorSource(batches: 2), new VectorSource(batches: 1));

        var lines = File.ReadAllLines(path);
        var docs = lines.Select(l => JsonDocument.Parse(l)).ToArray();
        try
        {
            var types = docs.Select(d => d.RootElement.GetProperty("type").GetString()).ToArray();
            types.Should().Equal("step", "step", "epoch", "step", "step", "epoch", "end");
            var step = docs[0].RootElement;
            step.GetProperty("step").GetInt64().Should().Be(2);
            step.GetProperty("epoch").GetInt32().Should().Be(0);
            step.GetProperty("batch").GetInt32().Should().Be(1);
            step.GetProperty("lr").GetDouble().Should().Be(2e-5);
            step.GetProperty("losses").GetProperty("loss").GetDouble().Should().BePositive();
            step.GetProperty("grad_norm").GetDouble().Should().BePositive();
            step.GetProperty("optimizer_steps").GetInt32().Should().Be(1);
            step.GetProperty("samples_per_second").GetDouble().Should().BePositive();
            step.GetProperty("elapsed_seconds").GetDouble().Should().BeGreaterThanOrEqualTo(0);

            var epoch = docs[2].RootElement;
            epoch.GetProperty("step").GetInt64().Should().Be(4);
            epoch.GetProperty("train").GetProperty("loss").GetDouble().Should().BePositive();
            foreach (var part in new[] { "val", "test" })
            {
                var metrics = epoch.GetProperty(part);
                foreach (var field in new[] { "loss", "accuracy", "weighted_f1", "macro_f1", "weighted_precision", "weighted_recall", "macro_precision", "macro_recall" })
                {
                    metrics.GetProperty(field).ValueKind.Should().Be(JsonValueKind.Number, $"{part}.{field}");
                }

                metrics.GetProperty("count").GetInt64().Should().Be(part == "val" ? 8 : 4);
                metrics.GetProperty("f1_per_class").GetArrayLength().Should().Be(3);
            }

            epoch.GetProperty("is_best").GetBoolean().Should().BeTrue();
            epoch.GetProperty("best_epoch").GetInt32().Should().Be(0);
            var end = docs[^1].RootElement;
            end.GetProperty("step").GetInt64().Should().Be(8);
            end.GetProperty("stopped_early").GetBoolean().Should().BeFalse();
            end.GetProperty("test").GetProperty("weighted_f1").ValueKind.Should().Be(JsonValueKind.Number);
        }
        finally
        {
            foreach (var d in docs)
            {
                d.Dispose();
            }
        }
    }

    [Fact]
    public void PlainProgress_WritesPeriodicLines_AndAutoWithACustomWriterIsPlain()
    {
        foreach (var mode in new[] { ProgressMode.Plain, ProgressMode.Auto })
        {
            using var writer = new StringWriter();
            using var model = new VectorModel();
            using var trainer = new Trainer<VectorBatch>(model, new TrainerOptions { Epochs = 2, LogEverySteps = 2, Progress = mode, ProgressWriter = writer });
            trainer.Fit(new VectorSource(batches: 4), new VectorSource(batches: 1));
            var lines = writer.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
            lines.Should().NotContain(l => l.Contains('\r', StringComparison.Ordinal));
            lines.Count(l => l.Contains("samples/s", StringComparison.Ordinal) && l.Contains("ETA", StringComparison.Ordinal)).Should().Be(4, $"{mode}: every 2nd of 8 batches");
            lines.Count(l => l.Contains("val loss", StringComparison.Ordinal)).Should().Be(2);
            lines.Should().Contain(l => l.StartsWith("epoch 2/2 4/4 loss", StringComparison.Ordinal));
        }
    }

    [Fact]
    public void BarProgress_RewritesOneLineInPlace()
    {
        using var writer = new StringWriter();
        using var model = new VectorModel();
        using var trainer = new Trainer<VectorBatch>(model, new TrainerOptions { Epochs = 1, Progress = ProgressMode.Bar, ProgressWriter = writer });
        trainer.Fit(new VectorSource(batches: 3));
        var text = writer.ToString();
        text.Split('\r').Length.Should().Be(4, "one carriage return per batch");
        text.Should().Contain("[########################] epoch 1/1 3/3 loss");
    }

    [Fact]
    public void Fit_RunsOnce_AndRejectsASourceThatLiesAboutItsLength()
    {
        using var model = new VectorModel();
        using var trainer = new Trainer<VectorBatch>(model, Quiet());
        trainer.Fit(new VectorSource(1));
        ((Action)(() => trainer.Fit(new VectorSource(1)))).Should().Throw<InvalidOperationException>();

        using var other = new VectorModel();
        using var second = new Trainer<VectorBatch>(other, new TrainerOptions { Epochs = 1, Progress = ProgressMode.None });
        ((Action)(() => second.Fit(new ShortSource()))).Should().Throw<InvalidOperationException>().WithMessage("*yielded 1 batches*BatchesPerEpoch is 3*");
    }

    [Fact]
    public void LiveTensors_StayFlat_AcrossStepsAndEpochs()
    {
        using var source = new SyntheticPostSource(count: 12, batchSize: 4);
        using var validation = new SyntheticPostSource(count: 6, batchSize: 3, seed: 9);
        var classifier = TinyModels.LateFusion();
        using var adapter = new LateFusionTrainingModel(classifier, JointObjective.Paper());
        var counts = new List<long>();
        long before, after;
        before = DisposeScopeManager.Statistics.TensorStatistics.ThreadTotalLiveCount;
        using (var trainer = new Trainer<PostBatch>(adapter, new TrainerOptions { Epochs = 3, MaxGradNorm = 1, ClassWeighting = ClassWeightMode.Balanced, Progress = ProgressMode.None }))
        {
            trainer.StepCompleted += (_, _) => counts.Add(DisposeScopeManager.Statistics.TensorStatistics.ThreadTotalLiveCount);
            trainer.Fit(source, validation, validation);
        }

        after = DisposeScopeManager.Statistics.TensorStatistics.ThreadTotalLiveCount;
        // Flat within epoch 0; from epoch 1 on, plus exactly the best-weights snapshot (one CPU copy per state-dict entry).
        var snapshot = adapter.Module.state_dict().Count;
        counts.Should().HaveCount(9);
        counts.Take(3).Should().OnlyContain(c => c == counts[0], $"live tensors per step: {string.Join(", ", counts)}");
        counts.Skip(3).Should().OnlyContain(c => c == counts[0] + snapshot, $"live tensors per step: {string.Join(", ", counts)}; snapshot {snapshot}");
        after.Should().Be(before, "a finished, disposed trainer leaves no tensor behind");
    }

    /// <summary>Claims 3 batches but yields 1.</summary>
    private sealed class ShortSource : IBatchSource<VectorBatch>
    {
        public int BatchesPerEpoch => 3;

        public IEnumerable<VectorBatch> GetBatches(int epoch, int skipBatches = 0) => new VectorSource(1).GetBatches(epoch, skipBatches);
    }

    /// <summary>A module with every kind of parameter the weight-decay rule distinguishes.</summary>
    private sealed class GroupProbe : nn.Module<Tensor, Tensor>
    {
        private readonly Encoder encoder;
        private readonly Linear head;
        private readonly BatchNorm1d bn;
        private readonly Linear frozen;
        private readonly Parameter logit_scale;

        public GroupProbe()
            : base(nameof(GroupProbe))
        {
            encoder = new Encoder();
            head = nn.Linear(4, 3);
            bn = nn.BatchNorm1d(3);
            frozen = nn.Linear(3, 3, hasBias: false);
            logit_scale = new Parameter(zeros(Array.Empty<long>()));
            RegisterComponents();
            foreach (var p in frozen.parameters())
            {
                p.requires_grad = false;
            }
        }

        public override Tensor forward(Tensor input) => frozen.call(bn.call(head.call(encoder.call(input)))) * logit_scale.exp();
    }

    private sealed class Encoder : nn.Module<Tensor, Tensor>
    {
        private readonly Embedding embed;
        private readonly Linear proj;
        private readonly LayerNorm LayerNorm;

        public Encoder()
            : base(nameof(Encoder))
        {
            embed = nn.Embedding(10, 4);
            proj = nn.Linear(4, 4);
            LayerNorm = nn.LayerNorm(4);
            RegisterComponents();
        }

        public override Tensor forward(Tensor input) => LayerNorm.call(proj.call(embed.call(input.to(ScalarType.Int64)).mean([1L])));
    }

    private sealed class ModuleOnlyAdapter : ITrainingModel<VectorBatch>, IDisposable
    {
        public ModuleOnlyAdapter(nn.Module module) => Module = module;

        public nn.Module Module { get; }

        public int NumClasses => 3;

        public bool SupportsClassWeights => false;

        public IReadOnlyList<Generator> Generators => [];

        public void Initialize(Device device, long seed)
        {
        }

        public VectorBatch ToDevice(VectorBatch batch, Device device) => batch;

        public int BatchSize(VectorBatch batch) => (int)batch.Labels.shape[0];

        public Tensor Labels(VectorBatch batch) => batch.Labels;

        public Tensor Predict(VectorBatch batch) => throw new NotSupportedException();

        public IReadOnlyDictionary<string, double> TrainStep(VectorBatch batch, TrainingStepContext context) => throw new NotSupportedException();

        public void Dispose() => Module.Dispose();
    }

    /// <summary>
    /// An adapter whose single weight w is set to script[epoch] by every training step; predictions get the first
    /// round(w) of 4 samples right. Restoring the best weights is then visible in w.
    /// </summary>
    private sealed class ScriptedAdapter : nn.Module, ITrainingModel<VectorBatch>
    {
        private readonly int[] script;
        private readonly Parameter w;

        public ScriptedAdapter(int[] script)
            : base(nameof(ScriptedAdapter))
        {
            this.script = script;
            w = new Parameter(zeros(1));
            RegisterComponents();
        }

        public int CorrectCount => (int)Math.Round(w.ToSingle());

        public nn.Module Module => this;

        public int NumClasses => 3;

        public bool SupportsClassWeights => false;

        public IReadOnlyList<Generator> Generators => [];

        public void Initialize(Device device, long seed)
        {
        }

        public VectorBatch ToDevice(VectorBatch batch, Device device) => batch;

        public int BatchSize(VectorBatch batch) => (int)batch.Labels.shape[0];

        public Tensor Labels(VectorBatch batch) => batch.Labels;

        public Tensor Predict(VectorBatch batch)
        {
            var labels = batch.Labels;
            using var one = 1.ToScalar();
            using var three = 3.ToScalar();
            using var correctCount = CorrectCount.ToScalar();
            var wrong = labels.add(one, one).remainder(three);
            var correct = tensor(Enumerable.Range(0, (int)labels.shape[0]).Select(i => (long)i).ToArray()).lt(correctCount);
            return nn.functional.one_hot(where(correct, labels, wrong), 3).to(ScalarType.Float32);
        }

        public IReadOnlyDictionary<string, double> TrainStep(VectorBatch batch, TrainingStepContext context)
        {
            using var zero = 0.ToScalar();
            var loss = w.mul(zero).sum();
            context.ZeroGrad();
            loss.backward();
            context.Step();
            using (no_grad())
            {
                using var value = script[context.Epoch].ToScalar();
                w.fill_(value);
            }

            return new Dictionary<string, double> { ["loss"] = 0 };
        }
    }
}

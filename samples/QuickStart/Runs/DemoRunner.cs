using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using AuxLosses.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace AuxLosses.QuickStart;

/// <summary>
/// One demo run: generate the synthetic posts for a seed, train small BERT- and ResNet-style encoders from scratch in a
/// late-fusion classifier with one objective, test the best validation epoch's weights and measure IID/TTD/ITD on the
/// test posts. Every objective trains the same architecture from the same initial weights for a given seed.
/// </summary>
internal static class DemoRunner
{
    public static RunResult Run(DemoObjective objective, int seed, DemoSettings settings, TextWriter? progress = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        settings.Validate();
        var clock = Stopwatch.StartNew();
        var data = SyntheticPosts.Generate(new SyntheticPostsOptions
        {
            TrainCount = settings.TrainCount,
            ValidationCount = settings.ValidationCount,
            TestCount = settings.TestCount,
            ImageSize = settings.ImageSize,
            TopicCount = settings.TopicCount,
            Seed = seed,
        });
        var collator = new SyntheticPostCollator();
        var train = new SyntheticPostBatchSource(data.Train, collator, settings.BatchSize, shuffle: true, seed: seed, dropLast: true);
        var validation = new SyntheticPostBatchSource(data.Validation, collator, batchSize: 200);
        var test = new SyntheticPostBatchSource(data.Test, collator, batchSize: 200);

        // Same initial weights for every objective: the encoders and heads are built first, from one seed.
        torch.manual_seed(seed);
        using var classifier = BuildClassifier(settings);
        var model = CreateTrainingModel(objective, classifier);
        using var ownedByModel = model as IDisposable;
        using var trainer = new Trainer<PostBatch>(model, new TrainerOptions
        {
            Epochs = settings.Epochs,
            LearningRate = settings.LearningRate,
            WarmupRatio = 0.1,
            MaxGradNorm = 1.0,
            SelectionMetric = ModelSelectionMetric.MacroF1,
            RestoreBestWeights = true,
            Seed = seed,
            Progress = progress is null ? ProgressMode.None : ProgressMode.Plain,
            ProgressWriter = progress,
            LogEverySteps = 1000,
        });
        var result = trainer.Fit(train, validation, test);
        var diagnostics = Diagnose(classifier, test);
        var testMetrics = result.Test?.Metrics ?? throw new InvalidOperationException("The trainer returned no test metrics.");
        return new RunResult(
            DemoObjectives.Label(objective),
            seed,
            result.History.Select(epoch => epoch.Validation?.Metrics.MacroF1 ?? double.NaN).ToArray(),
            result.History.Select(epoch => epoch.TrainLosses.TryGetValue("loss", out var loss) ? loss : double.NaN).ToArray(),
            result.BestEpoch,
            testMetrics.MacroF1,
            testMetrics.Accuracy,
            diagnostics.Iid,
            diagnostics.Ttd,
            diagnostics.Itd,
            clock.Elapsed.TotalSeconds);
    }

    /// <summary>The late-fusion classifier every objective trains: BERT-style text, ResNet-style image, concat fusion.</summary>
    public static LateFusionClassifier BuildClassifier(DemoSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var text = new BertModel(new BertConfig
        {
            VocabSize = SyntheticPosts.Vocabulary.Count,
            HiddenSize = settings.TextHidden,
            NumHiddenLayers = 2,
            NumAttentionHeads = 2,
            IntermediateSize = 2 * settings.TextHidden,
            MaxPositionEmbeddings = SyntheticPosts.MaxSequenceLength,
        });
        var width = settings.ImageWidth;
        var image = new ResNet(ResNetBlockType.Basic, [1, 1, 1, 1],
            new ResNetOptions { NumClasses = 0, StemWidth = width / 4, Widths = [width / 4, width / 2, width, width] });
        return new LateFusionClassifier(text, image, new ConcatFusion(settings.TextHidden, width, 2 * settings.TextHidden),
            new LateFusionClassifierOptions
            {
                NumClasses = SyntheticPosts.ClassNames.Count,
                ProjectionSize = settings.ProjectionSize,
                FreezeImageEncoder = false,
            });
    }

    /// <summary>The trainer adapter of an objective: the paper's joint loss, or SPP-SCL's two steps.</summary>
    public static PostBatchTrainingModel CreateTrainingModel(DemoObjective objective, LateFusionClassifier classifier) => objective switch
    {
        DemoObjective.CrossEntropy => new LateFusionTrainingModel(classifier, JointObjective.Paper(itcWeight: 0, itmWeight: 0)),
        DemoObjective.CrossEntropyItc => new LateFusionTrainingModel(classifier, JointObjective.Paper(itcWeight: 0.1, itmWeight: 0)),
        DemoObjective.CrossEntropyItm => new LateFusionTrainingModel(classifier, JointObjective.Paper(itcWeight: 0, itmWeight: 0.1)),
        DemoObjective.CrossEntropyItcItm => new LateFusionTrainingModel(classifier, JointObjective.Paper(itcWeight: 0.1, itmWeight: 0.1)),
        DemoObjective.SppScl => new LateFusionSemiPushPullTrainingModel(classifier),
        _ => throw new ArgumentOutOfRangeException(nameof(objective), objective, "Unknown objective."),
    };

    /// <summary>IID/TTD/ITD of the test posts' L2-normalised ITC projections (the space ITC and SPP-SCL align).</summary>
    private static AlignmentReport Diagnose(LateFusionClassifier classifier, SyntheticPostBatchSource test)
    {
        classifier.eval();
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var images = new List<Tensor>();
        var texts = new List<Tensor>();
        var labels = new List<Tensor>();
        foreach (var batch in test.GetBatches(epoch: 0))
        {
            using (batch)
            {
                var output = classifier.forward(batch.Pixels, batch.InputIds, batch.AttentionMask, batch.TokenTypeIds);
                images.Add(output.ImageEmbedding);
                texts.Add(output.TextEmbedding);
                labels.Add(batch.Labels.clone());
            }
        }

        return AlignmentDiagnostics.Compute(cat(images, 0), cat(texts, 0), cat(labels, 0), normalize: true);
    }
}

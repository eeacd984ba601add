using System;
using System.IO;
using System.Linq;
using AuxLosses;
using AuxLosses.Models;
using FluentAssertions;
using SkiaSharp;
using TorchSharp;
using static TorchSharp.torch;

namespace AuxLosses.Models.Tests;

/// <summary>
/// Runs the README's models example (BERT + ResNet-50 with ITC + ITM, one training step) on small generated weights;
/// tests/AuxLosses.Tests/ReadmeExampleTests.cs checks that the README shows exactly this region.
/// </summary>
public sealed class ReadmeModelsExampleTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("auxlosses-readme-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [Fact]
    public void Models_example_takes_one_training_step()
    {
        var (bertFolder, imagePaths) = PrepareSmallCheckpointAndImages();
        var loss = Example(bertFolder, imagePaths);
        double.IsFinite(loss).Should().BeTrue();
    }

    [Fact]
    public void Training_example_fits_and_reports_test_metrics()
    {
        var result = TrainingExample(folder);
        result.History.Should().HaveCount(2);
        result.Test.Should().NotBeNull();
        double.IsFinite(result.Test!.Metrics.MacroF1).Should().BeTrue();
        File.Exists(Path.Combine(folder, "run", "metrics.jsonl")).Should().BeTrue();
    }

    private static TrainingResult TrainingExample(string runRoot)
    {
        var runFolder = Path.Combine(runRoot, "run");
        // README:begin training
        // A synthetic dataset where the label depends on how image and text relate (SkiaSharp scenes, template texts).
        // Real data: PostReaders.ReadDataKeyCsv(...) and new PostBatchCollator(tokenizer, new ImagePreprocessor()).CreateLoader(posts).
        var data = SyntheticPosts.Generate(new SyntheticPostsOptions { TrainCount = 240, ValidationCount = 60, TestCount = 60 });
        var collator = new SyntheticPostCollator();
        var train = new SyntheticPostBatchSource(data.Train, collator, batchSize: 32, shuffle: true, seed: 1);
        var validation = new SyntheticPostBatchSource(data.Validation, collator, batchSize: 60);
        var test = new SyntheticPostBatchSource(data.Test, collator, batchSize: 60);

        var text = new BertModel(new BertConfig
        {
            VocabSize = SyntheticPosts.Vocabulary.Count,
            HiddenSize = 64,
            NumHiddenLayers = 2,
            NumAttentionHeads = 2,
            IntermediateSize = 128,
            MaxPositionEmbeddings = 32,
        });
        var image = new ResNet(ResNetBlockType.Basic, [1, 1, 1, 1], new ResNetOptions { NumClasses = 0, StemWidth = 16, Widths = [16, 32, 64, 64] });
        var classifier = new LateFusionClassifier(text, image, new ConcatFusion(64, 64, 128),
            new LateFusionClassifierOptions { NumClasses = 3, ProjectionSize = 64, FreezeImageEncoder = false });
        using var model = new LateFusionTrainingModel(classifier, JointObjective.Paper(itcWeight: 0.1, itmWeight: 0.1));
        using var trainer = new Trainer<PostBatch>(model, new TrainerOptions
        {
            Epochs = 2,
            LearningRate = 1e-3,
            WarmupRatio = 0.1,
            MaxGradNorm = 1.0,
            ClassWeighting = ClassWeightMode.Balanced,
            SelectionMetric = ModelSelectionMetric.MacroF1,
            EarlyStoppingPatience = 3,
            CheckpointDirectory = Path.Combine(runFolder, "checkpoints"),          // Resume = true continues a killed run exactly
            MetricsLogPath = Path.Combine(runFolder, "metrics.jsonl"),
        });
        var result = trainer.Fit(train, validation, test);
        Console.WriteLine($"best epoch {result.BestEpoch}: test macro-F1 {result.Test!.Metrics.MacroF1:F3}");
        // README:end training
        return result;
    }

    private static double Example(string bertFolder, string[] imagePaths)
    {
        // README:begin models
        var text = BertModel.FromPretrained(bertFolder);          // config.json + model.safetensors (or a Hugging Face repo id)
        var tokenizer = BertTokenizer.FromVocabFile(Path.Combine(bertFolder, "vocab.txt"));
        var image = ResNet.ResNet50(new ResNetOptions { NumClasses = 0 });   // or ResNet.FromPretrained("resnet50.safetensors")
        var model = new LateFusionClassifier(text, image, new ConcatFusion(text.HiddenSize, image.OutputSize, 256),
            new LateFusionClassifierOptions { NumClasses = 3 });
        var itc = new ImageTextContrastiveLoss();
        var itm = new ImageTextMatchingLoss(inputSize: 256);
        var objective = JointObjective.Paper(itcWeight: 0.1, itmWeight: 0.1);     // 0.8·CE + 0.1·ITC + 0.1·ITM
        var optimizer = new AdamW([new(model.named_parameters(), 2e-5), new(itc.named_parameters(), 2e-5),
            new(itm.named_parameters(), 2e-5)]);

        using var scope = NewDisposeScope();
        using var batch = tokenizer.Encode(["Best day ever @friend https://t.co/x", "so tired of this rain"]);
        var output = model.forward(new ImagePreprocessor().PreprocessBatch(imagePaths), batch.InputIds, batch.AttentionMask);
        using var matching = itm.forward(model.PairEncoder(output));
        using var loss = objective.Compute(
            ("ce", nn.functional.cross_entropy(output.Logits, tensor(new long[] { 2, 0 }))),
            ("itc", itc.forward(output.ImageEmbedding, output.TextEmbedding)),
            ("itm", matching.Loss));
        optimizer.ZeroGrad();
        loss.Total.backward();
        optimizer.Step();
        // README:end models
        return loss.TotalValue;
    }

    /// <summary>A tiny BERT checkpoint folder (config, vocabulary, safetensors weights) and two small PNG posts.</summary>
    private (string BertFolder, string[] ImagePaths) PrepareSmallCheckpointAndImages()
    {
        var bertFolder = Path.Combine(folder, "bert-small");
        Directory.CreateDirectory(bertFolder);
        var vocabulary = new[] { "[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "best", "day", "ever", "@", "friend", "http", "##s", ":", "/", ".", "t", "co", "x", "so", "tired", "of", "this", "rain" };
        File.WriteAllLines(Path.Combine(bertFolder, "vocab.txt"), vocabulary);
        File.WriteAllText(Path.Combine(bertFolder, "config.json"), $$"""
            {"model_type": "bert", "vocab_size": {{vocabulary.Length}}, "hidden_size": 32, "num_hidden_layers": 2,
             "num_attention_heads": 4, "intermediate_size": 64, "max_position_embeddings": 64, "type_vocab_size": 2}
            """);
        using (var generated = new BertModel(BertConfig.FromFile(Path.Combine(bertFolder, "config.json"))))
        {
            WeightLoader.SaveFile(generated, Path.Combine(bertFolder, "model.safetensors"));
        }

        var paths = new string[2];
        for (var i = 0; i < paths.Length; i++)
        {
            using var bitmap = new SKBitmap(96 + (32 * i), 80);
            bitmap.Erase(i == 0 ? SKColors.Orange : SKColors.SteelBlue);
            paths[i] = Path.Combine(folder, $"post{i}.png");
            using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
            File.WriteAllBytes(paths[i], data.ToArray());
        }

        return (bertFolder, paths);
    }
}

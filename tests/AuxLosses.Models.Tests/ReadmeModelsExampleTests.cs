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
        var optimizer = optim.AdamW(model.parameters().Concat(itc.parameters()).Concat(itm.parameters()), lr: 2e-5);

        using var scope = NewDisposeScope();
        using var batch = tokenizer.Encode(["Best day ever @friend https://t.co/x", "so tired of this rain"]);
        var output = model.forward(new ImagePreprocessor().PreprocessBatch(imagePaths), batch.InputIds, batch.AttentionMask);
        using var matching = itm.forward(model.PairEncoder(output));
        var loss = nn.functional.cross_entropy(output.Logits, tensor(new long[] { 2, 0 }))
            + 0.1 * itc.forward(output.ImageEmbedding, output.TextEmbedding) + 0.1 * matching.Loss;
        optimizer.zero_grad();
        loss.backward();
        optimizer.step();
        // README:end models
        return loss.item<float>();
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

using System;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using AuxLosses.Models;
using SkiaSharp;

namespace AuxLosses.Samples.Tests.Infrastructure;

/// <summary>
/// A temporary data folder in the repo's layout (data_key_mvsa.csv, MVSA-Single/data/{id}.jpg) and a weights folder
/// in Hugging Face layout with a 2-layer, width-32 BERT and a 1-layer, width-32, 32-px ViT.
/// </summary>
internal sealed class TinyWorld : IDisposable
{
    public static readonly string[] Vocabulary =
        ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "good", "bad", "day", "rain", "sun", "cat", "dog", "so", "very", "not", "happy", "sad", "ok", "#", "@", "!"];

    public TinyWorld()
    {
        Root = Directory.CreateTempSubdirectory("reproduce-tests-").FullName;
        DataDir = Path.Combine(Root, "data");
        WeightsDir = Path.Combine(Root, "weights");
        ResultsDir = Path.Combine(Root, "results");
        EmptyCache = Path.Combine(Root, "hf-cache");
        Directory.CreateDirectory(DataDir);
        Directory.CreateDirectory(WeightsDir);
        Directory.CreateDirectory(EmptyCache);
    }

    public string Root { get; }

    public string DataDir { get; }

    public string WeightsDir { get; }

    public string ResultsDir { get; }

    /// <summary>An empty HF cache, so tests never read the machine's own cache.</summary>
    public string EmptyCache { get; }

    /// <summary>24 MVSA posts (train 12 / val 6 / test 6, every class in every split) with 40×40 JPEGs.</summary>
    public TinyWorld WithMvsaData(int rows = 24)
    {
        var words = Vocabulary[5..];
        var csv = new StringBuilder("tweet_id,text,label,split\n");
        var images = Path.Combine(DataDir, "MVSA-Single", "data");
        Directory.CreateDirectory(images);
        for (var i = 0; i < rows; i++)
        {
            var split = (i % 4) switch { 0 or 1 => "train", 2 => "val", _ => "test" };
            var label = (i / 4) % 3;
            var text = string.Join(' ', Enumerable.Range(0, 3 + (i % 4)).Select(k => words[(i * 7 + k * 3) % words.Length]));
            var id = (1000 + i).ToString(CultureInfo.InvariantCulture);
            csv.Append(CultureInfo.InvariantCulture, $"{id},\"{text}, #{i}\",{label},{split}\n");
            using var bitmap = new SKBitmap(40, 40);
            bitmap.Erase(new SKColor((byte)(i * 10), (byte)(255 - (i * 10)), (byte)(label * 100)));
            using var data = bitmap.Encode(SKEncodedImageFormat.Jpeg, 90);
            File.WriteAllBytes(Path.Combine(images, id + ".jpg"), data.ToArray());
        }

        File.WriteAllText(Path.Combine(DataDir, "data_key_mvsa.csv"), csv.ToString());
        return this;
    }

    /// <summary>weights/bert-base-uncased: config.json, vocab.txt, model.safetensors of a 2-layer, width-32 BERT.</summary>
    public TinyWorld WithTinyBert()
    {
        var folder = Path.Combine(WeightsDir, "bert-base-uncased");
        Directory.CreateDirectory(folder);
        File.WriteAllLines(Path.Combine(folder, "vocab.txt"), Vocabulary);
        File.WriteAllText(Path.Combine(folder, "config.json"), $$"""
            {"model_type": "bert", "vocab_size": {{Vocabulary.Length}}, "hidden_size": 32, "num_hidden_layers": 2,
             "num_attention_heads": 4, "intermediate_size": 64, "max_position_embeddings": 64, "type_vocab_size": 2}
            """);
        using var bert = new BertModel(BertConfig.FromFile(Path.Combine(folder, "config.json")));
        WeightLoader.SaveFile(bert, Path.Combine(folder, "model.safetensors"));
        return this;
    }

    /// <summary>weights/google/vit-base-patch16-224-in21k: config.json, model.safetensors of a 1-layer, width-32, 32-px ViT.</summary>
    public TinyWorld WithTinyVit()
    {
        var folder = Path.Combine(WeightsDir, "google", "vit-base-patch16-224-in21k");
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "config.json"), """
            {"model_type": "vit", "hidden_size": 32, "num_hidden_layers": 1, "num_attention_heads": 4,
             "intermediate_size": 64, "image_size": 32, "patch_size": 16}
            """);
        using var vit = new VisionTransformer(VitConfig.FromFile(Path.Combine(folder, "config.json")));
        WeightLoader.SaveFile(vit, Path.Combine(folder, "model.safetensors"));
        return this;
    }

    /// <summary>Flags every run of these tests shares: the tiny folders, no machine cache.</summary>
    public string[] CommonFlags() =>
        ["--data-dir", DataDir, "--weights-dir", WeightsDir, "--hf-cache", EmptyCache, "--results-dir", ResultsDir];

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A file still mapped by the native side on some systems; the temp folder is cleaned by the OS.
        }
    }
}

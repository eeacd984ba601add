using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using AuxLosses.Models;
using AuxLosses.Reproduce.Cli;
using AuxLosses.Reproduce.Tasks;
using TorchSharp;

namespace AuxLosses.Reproduce.Building;

/// <summary>
/// Builds tokenizer, encoders (from pretrained files found offline), head and training adapter for a run, as
/// MMLate_Model does for --mode late: VisionTextDualEncoder-style towers, the vision tower frozen, fused width 768
/// (the text width), dropout, linear classifier, CE (+ ITC, ITM) weighted as (1 − βitc − βitm)·CE + βitc·ITC + βitm·ITM.
/// </summary>
internal static class ModelBuilder
{
    /// <summary>config.py's max_length.</summary>
    public const int MaxLength = 128;

    /// <summary>Hugging Face model ids of config.py's MODEL_DIR_DICT (its comments), ResNets as timm's safetensors of the same torchvision weights.</summary>
    public static string ModelId(string name) => name switch
    {
        "bert" => "bert-base-uncased",
        "roberta" => "roberta-base",
        "bertweet" => "vinai/bertweet-base",
        "bernice" => "jhu-clsp/bernice",
        "vit" => "google/vit-base-patch16-224-in21k",
        // config.py loads torchvision's resnet50-0676ba61.pth (IMAGENET1K_V2) and resnet152-394f9c45.pth (IMAGENET1K_V1).
        "resnet50" => "timm/resnet50.tv2_in1k",
        "resnet152" => "timm/resnet152.tv_in1k",
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "unknown model name"),
    };

    /// <summary>The files a text model needs in its folder.</summary>
    public static IReadOnlyList<string> TextFiles(string name) => name == "bert"
        ? ["config.json", "model.safetensors", "vocab.txt"]
        : ["config.json", "model.safetensors", "vocab.json", "merges.txt"];

    /// <summary>
    /// Fails before any data is read for a text model this library cannot tokenize. BERTweet's fastBPE vocabulary
    /// (vocab.txt + bpe.codes) is rejected by <see cref="RobertaTokenizer.FromFiles"/>; its message is the explanation.
    /// </summary>
    /// <exception cref="NotSupportedException">--txt-model bertweet.</exception>
    public static void CheckSupported(string textModel, PretrainedLocator locator)
    {
        if (textModel != "bertweet")
        {
            return;
        }

        const string Suggestion = " Use --txt-model bernice (a Twitter-trained RoBERTa with a byte-level BPE tokenizer) or roberta instead.";
        var id = ModelId(textModel);
        string? folder = null;
        try
        {
            folder = locator.FindFolder("text model", id, ["vocab.txt", "bpe.codes"]);
        }
        catch (MissingInputsException)
        {
            // Without the files the library's check cannot run; the reason is the same.
        }

        if (folder is not null)
        {
            try
            {
                _ = RobertaTokenizer.FromFiles(Path.Combine(folder, "vocab.txt"), Path.Combine(folder, "bpe.codes"));
            }
            catch (NotSupportedException e)
            {
                throw new NotSupportedException("bertweet is not supported: " + e.Message + Suggestion, e);
            }
        }

        throw new NotSupportedException(
            "bertweet is not supported: vinai/bertweet-base ships a fastBPE vocab.txt + bpe.codes whose '@@' continuation marks "
            + "Microsoft.ML.Tokenizers' BPE cannot express; only byte-level BPE (vocab.json + merges.txt) is supported." + Suggestion);
    }

    public static BuiltModel Build(ReproduceOptions options, TaskSpec task, PretrainedLocator locator)
    {
        var owned = new List<IDisposable>();
        try
        {
            var (text, tokenizer) = LoadText(options.TextModel, locator, owned);
            var (image, preprocessor, imageNote) = LoadImage(options.ImageModel, locator, owned);
            var collator = new PostBatchCollator(tokenizer, new ImagePreprocessor(preprocessor));
            var encoders = $"{options.TextModel} ({ModelId(options.TextModel)}, {text.NumLayers} layers, H={text.HiddenSize}) + {imageNote}";
            switch (options.Mode)
            {
                case TrainingMode.SppScl:
                    {
                        // SPP-SCL reads BERT's layers 9..12: the last four hidden states, whatever the depth.
                        var layers = Enumerable.Range(Math.Max(1, text.NumLayers - 3), Math.Min(4, text.NumLayers)).ToArray();
                        var model = Own(new SppSclModel(text, image, new SppSclOptions { NumClasses = task.NumClasses, Dropout = options.Dropout, TextLayers = layers }), owned);
                        var adapter = Own(new SppSclTrainingModel(model, twoStep: !options.OneStep), owned);
                        return new BuiltModel(adapter, collator, usesClassWeights: false,
                            $"{encoders}; SPP-SCL ({(options.OneStep ? "one-step ablation" : "two-step")}, text layers {string.Join(",", layers)})", owned);
                    }

                case TrainingMode.CommonSpace:
                    {
                        var model = Own(new CommonSpaceFusionModel(text, image, new PooledFusionOptions { NumClasses = task.NumClasses, Dropout = options.Dropout }), owned);
                        var adapter = new PooledFusionTrainingModel(model);
                        return new BuiltModel(adapter, collator, usesClassWeights: true, $"{encoders}; common-space fusion (CE + common-space loss)", owned);
                    }

                default:
                    {
                        var fusion = Own(Fusion(options.Fusion!, text.HiddenSize, image.OutputSize), owned);
                        var classifier = Own(new LateFusionClassifier(text, image, fusion, new LateFusionClassifierOptions
                        {
                            NumClasses = task.NumClasses,
                            Dropout = options.Dropout,
                            // The repo's aspect attention weighs the pooled outputs; the other heads use the CLS state.
                            UseTextPooler = options.Fusion == "aspect-att",
                        }), owned);
                        var betaItc = options.UseItc ? options.BetaItc : 0;
                        var betaItm = options.UseItm ? options.BetaItm : 0;
                        var adapter = Own(new LateFusionTrainingModel(classifier, JointObjective.Paper(betaItc, betaItm)), owned);
                        var objective = $"{1 - betaItc - betaItm:0.###}*CE" + (options.UseItc ? $" + {betaItc}*ITC" : "") + (options.UseItm ? $" + {betaItm}*ITM" : "");
                        return new BuiltModel(adapter, collator, usesClassWeights: true, $"{encoders}; {options.Fusion} fusion; loss {objective}", owned);
                    }
            }
        }
        catch
        {
            for (var i = owned.Count - 1; i >= 0; i--)
            {
                owned[i].Dispose();
            }

            throw;
        }
    }

    private static (BertModel Model, ITextTokenizer Tokenizer) LoadText(string name, PretrainedLocator locator, List<IDisposable> owned)
    {
        var id = ModelId(name);
        var folder = locator.FindFolder("text model", id, TextFiles(name));
        var model = Own(BertModel.FromPretrained(folder, resolver: locator.Resolver), owned);
        var tokenizerOptions = new TextTokenizerOptions { MaxLength = (int)Math.Min(MaxLength, model.Config.MaxSequenceLength) };
        ITextTokenizer tokenizer = name == "bert"
            ? BertTokenizer.FromVocabFile(Path.Combine(folder, "vocab.txt"), tokenizerOptions)
            : RobertaTokenizer.FromFiles(Path.Combine(folder, "vocab.json"), Path.Combine(folder, "merges.txt"), tokenizerOptions);
        return (model, tokenizer);
    }

    private static (IImageEncoder Encoder, ImagePreprocessorOptions Preprocessing, string Note) LoadImage(string name, PretrainedLocator locator, List<IDisposable> owned)
    {
        var id = ModelId(name);
        if (name == "vit")
        {
            var folder = locator.FindFolder("image model", id, ["config.json", "model.safetensors"]);
            var vit = Own(VisionTransformer.FromPretrained(folder, resolver: locator.Resolver), owned);
            var size = (int)vit.Config.ImageSize;
            // ViTFeatureExtractor of the in21k checkpoint: 224 px, mean = std = 0.5 (here: shorter side, then centre crop).
            var preprocessing = new ImagePreprocessorOptions { ResizeShorter = size, CropSize = size, Mean = [0.5, 0.5, 0.5], Std = [0.5, 0.5, 0.5] };
            return (vit, preprocessing, $"vit ({id}, {vit.Config.NumHiddenLayers} layers, H={vit.Config.HiddenSize})");
        }

        var file = locator.FindWeightsFile("image model", id, name);
        var resnet = Own(ResNet.FromPretrained(file, new ResNetOptions { NumClasses = 0 }), owned);
        var depth = resnet.Layers.Sum() * (resnet.BlockType == ResNetBlockType.Bottleneck ? 3 : 2) + 2;
        // The repo's CNN transform: Resize(256), CenterCrop(224), its own channel statistics.
        return (resnet, ImagePreprocessorOptions.AuxLossesPaper(), $"{name} ({Path.GetFileName(Path.GetDirectoryName(file))}/{Path.GetFileName(file)}, ResNet-{depth}, C={resnet.OutputSize})");
    }

    private static FusionHead Fusion(string name, long textSize, long imageSize) => name switch
    {
        // fixed_feat_size = 768 in the repo, i.e. the text width of its base models.
        "attention" => new AttentionFusion(textSize, imageSize, textSize),
        "gmu" => new GatedMultimodalUnit(textSize, imageSize, textSize),
        "aspect-att" => new AspectAttentionFusion(textSize, imageSize, textSize),
        _ => new ConcatFusion(textSize, imageSize, textSize),
    };

    private static T Own<T>(T item, List<IDisposable> owned)
        where T : IDisposable
    {
        owned.Add(item);
        return item;
    }

    /// <summary>The training device; CUDA must be present in the TorchSharp backend this build ships.</summary>
    /// <exception cref="NotSupportedException">--device cuda without CUDA.</exception>
    public static torch.Device Device(string name)
    {
        if (name != "cuda")
        {
            return torch.CPU;
        }

        return torch.cuda.is_available()
            ? torch.CUDA
            : throw new NotSupportedException("--device cuda: CUDA is not available (build with -p:TorchSharpBackend=cuda-linux on a machine with a GPU), use --device cpu.");
    }
}

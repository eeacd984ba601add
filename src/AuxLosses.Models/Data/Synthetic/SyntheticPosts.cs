using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading.Tasks;
using AuxLosses.Models.Internal;

namespace AuxLosses.Models;

/// <summary>
/// A synthetic image+text sentiment dataset generated in code — nothing to download — built so that the label depends
/// on how the image and the text <em>relate</em>, which is what image-text objectives (ITC, ITM, SPP-SCL) are meant to
/// teach. Pictures are drawn with SkiaSharp from simple shapes (a sunny beach or a rainy street, a new or a cracked
/// phone, ...: up to six topics × pleasant/unpleasant); texts come from templates that name a topic without saying which
/// scene ("the weather", "my phone") and carry a surface stance.
/// </summary>
/// <remarks>
/// <para>Labels (<see cref="ClassNames"/>: 0 negative, 1 neutral, 2 positive) follow one rule, <see cref="LabelOf"/>:</para>
/// <code>
/// picture shows what the text talks about → the picture's mood decides:
///     praise  + pleasant → positive (sincere)     praise    + unpleasant → negative (sarcasm)
///     caption + pleasant → positive               caption   + unpleasant → negative
///     complaint + pleasant → positive (humblebrag) complaint + unpleasant → negative (sincere)
/// picture shows something else → the text is taken at its word:
///     praise → positive    complaint → negative    caption → neutral
/// </code>
/// <para>
/// Latent process: stance caption 2/3, praise 1/6, complaint 1/6; the picture shows the text's topic with probability
/// 1/2 (otherwise one of the other topics, uniformly); pleasant with probability 1/2; all independent, so the three
/// labels are exactly equally likely. Each split is drawn label-first with exact per-class quotas (then a latent cell
/// given the label), which is the same distribution with exact balance. Text and image are each rendered from their own
/// factors only, with independent random wording, fillers, layout, colours, clutter and pixel noise.
/// </para>
/// <para>
/// No shortcut: the text alone tells stance and topic but not whether the picture shows that topic, and the image
/// alone tells topic and mood but not what the text talks about. The Bayes ceilings (<see cref="ComputeCeilings"/>)
/// without noise are: prior 1/3; text only 7/12 ≈ 0.583 accuracy (macro-F1 0.556); image only 7/12 ≈ 0.583
/// (macro-F1 0.467); joint 1. Every topic pair occurs, so topic words and scenes are individually uninformative about
/// the label; only their agreement is.
/// </para>
/// <para>
/// Learning dynamics: stance and mood used additively, without the relation, also reach accuracy 7/12 (cross-entropy
/// ≈ 0.578), so a model trained with cross-entropy first sits on that plateau; leaving it requires the image encoder to
/// represent the picture's topic and the text encoder the text's topic, and the fusion to compare them — the
/// image-text agreement that ITC and ITM supervise directly. <see cref="SyntheticPostsOptions.TopicCount"/> sets how
/// hard that is.
/// </para>
/// <para>
/// Determinism: a post depends only on (<see cref="SyntheticPostsOptions.Seed"/>, split, index) and the options, so
/// the same seed gives byte-identical texts and images (for one SkiaSharp build), whatever the thread count.
/// </para>
/// </remarks>
/// <example>
/// <code>
/// var data = SyntheticPosts.Generate(new SyntheticPostsOptions { Seed = 1 });
/// var tokenizer = SyntheticPosts.CreateTokenizer();
/// var collator = new SyntheticPostCollator(tokenizer);
/// var train = new SyntheticPostBatchSource(data.Train, collator, batchSize: 64, shuffle: true, seed: 1);
/// foreach (var batch in train.GetBatches(epoch: 0)) { using (batch) { /* model.forward(batch.Pixels, batch.InputIds, batch.AttentionMask) */ } }
/// </code>
/// </example>
public static class SyntheticPosts
{
    /// <summary>Class id of "negative".</summary>
    public const int NegativeClass = 0;

    /// <summary>Class id of "neutral".</summary>
    public const int NeutralClass = 1;

    /// <summary>Class id of "positive".</summary>
    public const int PositiveClass = 2;

    /// <summary>Number of topics the generator can draw (<see cref="SyntheticTopic"/>).</summary>
    public const int AllTopicCount = 6;

    private const string Pad = "[PAD]";

    private static readonly string[] SceneNames =
    [
        "sunny beach", "rainy street", "new phone", "cracked phone", "open road", "traffic jam",
        "birthday cake", "burnt cake", "blooming garden", "wilted garden", "dog playing fetch", "muddy dog",
    ];

    private static readonly string[] SplitNames = ["train", "val", "test"];

    /// <summary>Class names indexed by label: negative, neutral, positive.</summary>
    public static IReadOnlyList<string> ClassNames { get; } = ["negative", "neutral", "positive"];

    /// <summary>
    /// The word-level WordPiece vocabulary for a from-scratch BERT: [PAD] [UNK] [CLS] [SEP] [MASK] (ids 0–4), then
    /// every word and punctuation mark the templates can write, in ordinal order. The same for every seed and option.
    /// </summary>
    public static IReadOnlyList<string> Vocabulary { get; } = [Pad, "[UNK]", "[CLS]", "[SEP]", "[MASK]", .. PostTextComposer.Words];

    /// <summary>The most tokens an encoded text can have, [CLS] and [SEP] included: a safe <c>max_position_embeddings</c>.</summary>
    public static int MaxSequenceLength { get; } = PostTextComposer.MaxWordCount + 2;

    /// <summary>The labelling rule: the class of a post from its text's stance and its relation to the picture.</summary>
    /// <param name="stance">The text's surface stance.</param>
    /// <param name="imageShowsTextTopic">Whether the picture shows what the text talks about.</param>
    /// <param name="pleasantImage">Whether the picture's scene is the pleasant one.</param>
    /// <returns><see cref="NegativeClass"/>, <see cref="NeutralClass"/> or <see cref="PositiveClass"/>.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="stance"/> is not a defined value.</exception>
    public static int LabelOf(SyntheticStance stance, bool imageShowsTextTopic, bool pleasantImage)
    {
        if (!Enum.IsDefined(stance))
        {
            throw new ArgumentOutOfRangeException(nameof(stance), stance, "Unknown stance.");
        }

        if (imageShowsTextTopic)
        {
            // The picture is evidence about the very thing judged: it wins over the words.
            return pleasantImage ? PositiveClass : NegativeClass;
        }

        return stance switch
        {
            SyntheticStance.Praise => PositiveClass,
            SyntheticStance.Complaint => NegativeClass,
            _ => NeutralClass,
        };
    }

    /// <summary>The scene a topic and mood draw, e.g. (Weather, pleasant) → "sunny beach".</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="topic"/> is not a defined value.</exception>
    public static string SceneName(SyntheticTopic topic, bool pleasant)
    {
        if (!Enum.IsDefined(topic))
        {
            throw new ArgumentOutOfRangeException(nameof(topic), topic, "Unknown topic.");
        }

        return SceneNames[((int)topic * 2) + (pleasant ? 0 : 1)];
    }

    /// <summary>Generates the three splits (in parallel; the result does not depend on the thread count).</summary>
    /// <param name="options">Sizes, seed and noise; null for the defaults.</param>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range; the parameter name names it.</exception>
    public static SyntheticPostsDataset Generate(SyntheticPostsOptions? options = null)
    {
        options ??= new SyntheticPostsOptions();
        options.Validate();
        var splits = new[] { options.TrainCount, options.ValidationCount, options.TestCount }
            .Select((count, split) => GenerateSplit(options, split, count)).ToArray();
        return new SyntheticPostsDataset(options, splits[0], splits[1], splits[2], ComputeCeilings(options));
    }

    /// <summary>
    /// The exact Bayes ceilings of the process the options define (prior, text only, image only, joint), by
    /// enumerating every latent outcome; independent of sizes and seed.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public static SyntheticCeilings ComputeCeilings(SyntheticPostsOptions? options = null)
    {
        options ??= new SyntheticPostsOptions();
        options.Validate();
        return RelationProcess.Ceilings(options.TopicCount, options.Ambiguity, options.LabelNoise);
    }

    /// <summary>
    /// A <see cref="BertTokenizer"/> over <see cref="Vocabulary"/> (uncased). Every generated text tokenizes without
    /// [UNK], one id per word or punctuation mark.
    /// </summary>
    /// <param name="options">Batch options; default: longest padding, truncation at <see cref="MaxSequenceLength"/>.</param>
    public static BertTokenizer CreateTokenizer(TextTokenizerOptions? options = null)
    {
        using var vocabulary = new MemoryStream(Encoding.UTF8.GetBytes(string.Join('\n', Vocabulary) + "\n"));
        return BertTokenizer.FromVocabStream(vocabulary, options ?? new TextTokenizerOptions { MaxLength = MaxSequenceLength });
    }

    private static SyntheticPost[] GenerateSplit(SyntheticPostsOptions options, int split, int count)
    {
        // Exact per-class quotas, shuffled (Fisher–Yates) with the split's own seed.
        var labels = new int[count];
        for (var i = 0; i < count; i++)
        {
            labels[i] = i % 3;
        }

        var shuffle = new Random(SeedMixer.Derive(options.Seed, split, -1, 0));
        for (var i = count - 1; i > 0; i--)
        {
            var j = shuffle.Next(i + 1);
            (labels[i], labels[j]) = (labels[j], labels[i]);
        }

        var posts = new SyntheticPost[count];
        Parallel.For(0, count, i => posts[i] = GeneratePost(options, split, i, labels[i]));
        return posts;
    }

    private static SyntheticPost GeneratePost(SyntheticPostsOptions options, int split, int index, int cleanLabel)
    {
        var latent = new Random(SeedMixer.Derive(options.Seed, split, index, 0));
        var cell = RelationProcess.SampleGivenLabel(latent, cleanLabel);
        var topics = options.TopicCount;
        var textTopic = latent.Next(topics);
        var imageTopic = cell.OnTopic ? textTopic : (textTopic + 1 + latent.Next(topics - 1)) % topics;
        var vague = latent.NextDouble() < options.Ambiguity;
        var label = latent.NextDouble() < options.LabelNoise ? (cleanLabel + 1 + latent.Next(2)) % 3 : cleanLabel;

        // Text and image draw from their own streams: each depends on its own factors only.
        var text = PostTextComposer.Compose(new Random(SeedMixer.Derive(options.Seed, split, index, 1)), cell.Stance, (SyntheticTopic)textTopic, vague, options.DistractorRate);
        var pixels = SceneRenderer.Render((SyntheticTopic)imageTopic, cell.Pleasant, options.ImageSize, options.PixelNoise, new Random(SeedMixer.Derive(options.Seed, split, index, 2)));
        var id = $"{SplitNames[split]}-{index:D5}";
        return new SyntheticPost(id, text, label, cleanLabel, cell.Stance, (SyntheticTopic)textTopic, vague, (SyntheticTopic)imageTopic, cell.Pleasant, options.ImageSize, pixels);
    }
}

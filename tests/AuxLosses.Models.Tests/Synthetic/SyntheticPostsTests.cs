using System;
using System.Collections.Generic;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using FluentAssertions;

namespace AuxLosses.Models.Tests.Synthetic;

public class SyntheticPostsTests
{
    private static readonly SyntheticPostsOptions Small = new() { TrainCount = 150, ValidationCount = 60, TestCount = 30, ImageSize = 24, Seed = 3 };

    [Fact]
    public void Same_seed_gives_byte_identical_texts_and_images()
    {
        var a = SyntheticPosts.Generate(Small);
        var b = SyntheticPosts.Generate(Small);

        Fingerprint(a).Should().Be(Fingerprint(b));
        a.Train.Select(p => p.Text).Should().Equal(b.Train.Select(p => p.Text));
        a.Train.Select(p => p.Label).Should().Equal(b.Train.Select(p => p.Label));
    }

    [Fact]
    public void A_post_does_not_depend_on_the_other_splits_sizes()
    {
        var a = SyntheticPosts.Generate(Small);
        var b = SyntheticPosts.Generate(new SyntheticPostsOptions { TrainCount = 150, ValidationCount = 3, TestCount = 0, ImageSize = 24, Seed = 3 });

        Fingerprint(a.Train).Should().Be(Fingerprint(b.Train));
    }

    [Fact]
    public void Different_seeds_give_different_texts_and_images()
    {
        var a = SyntheticPosts.Generate(Small);
        var b = SyntheticPosts.Generate(new SyntheticPostsOptions { TrainCount = 150, ValidationCount = 60, TestCount = 30, ImageSize = 24, Seed = 4 });

        Fingerprint(a).Should().NotBe(Fingerprint(b));
        a.Train.Select(p => p.Text).Should().NotEqual(b.Train.Select(p => p.Text));
        a.Train.Zip(b.Train).Count(x => x.First.Pixels.Span.SequenceEqual(x.Second.Pixels.Span)).Should().Be(0);
    }

    [Fact]
    public void Every_split_is_exactly_class_balanced_without_label_noise()
    {
        var data = SyntheticPosts.Generate(Small);

        foreach (var split in new[] { data.Train, data.Validation, data.Test })
        {
            var counts = Enumerable.Range(0, 3).Select(c => split.Count(p => p.Label == c)).ToArray();
            counts.Should().AllBeEquivalentTo(split.Count / 3);
        }
    }

    [Fact]
    public void Splits_have_their_sizes_and_are_disjoint_in_ids_and_images()
    {
        var data = SyntheticPosts.Generate(Small);
        var all = data.Train.Concat(data.Validation).Concat(data.Test).ToList();

        data.Train.Should().HaveCount(150);
        data.Validation.Should().HaveCount(60);
        data.Test.Should().HaveCount(30);
        all.Select(p => p.Id).Should().OnlyHaveUniqueItems();
        all.Select(p => Convert.ToHexString(SHA256.HashData(p.Pixels.Span))).Should().OnlyHaveUniqueItems();
        data.Train[7].Id.Should().Be("train-00007");
        data.Validation[0].Id.Should().Be("val-00000");
        data.Test[29].Id.Should().Be("test-00029");
    }

    [Fact]
    public void Images_have_the_requested_size_and_are_not_blank()
    {
        var data = SyntheticPosts.Generate(new SyntheticPostsOptions { TrainCount = 12, ValidationCount = 0, TestCount = 0, ImageSize = 40, PixelNoise = 0 });

        foreach (var post in data.Train)
        {
            post.ImageSize.Should().Be(40);
            post.Pixels.Length.Should().Be(40 * 40 * 3);
            // A drawn scene has many distinct colours, not a constant fill.
            var colours = new HashSet<int>();
            var px = post.Pixels.Span;
            for (var i = 0; i < px.Length; i += 3)
            {
                colours.Add((px[i] << 16) | (px[i + 1] << 8) | px[i + 2]);
            }

            colours.Count.Should().BeGreaterThan(10, post.SceneName);
        }
    }

    [Fact]
    public void Png_encoding_round_trips_the_pixels()
    {
        var post = SyntheticPosts.Generate(new SyntheticPostsOptions { TrainCount = 3, ValidationCount = 0, TestCount = 0 }).Train[0];

        using var bitmap = SkiaSharp.SKBitmap.Decode(post.EncodePng());
        bitmap.Width.Should().Be(32);
        var pixel = bitmap.GetPixel(5, 7);
        var o = ((7 * 32) + 5) * 3;
        new[] { pixel.Red, pixel.Green, pixel.Blue }.Should().Equal(post.Pixels.Span[o], post.Pixels.Span[o + 1], post.Pixels.Span[o + 2]);
    }

    [Fact]
    public void Vocabulary_starts_with_the_special_tokens_and_covers_every_generated_word()
    {
        var data = SyntheticPosts.Generate(new SyntheticPostsOptions { TrainCount = 600, ValidationCount = 0, TestCount = 0, ImageSize = 16, Ambiguity = 0.3 });
        var tokenizer = SyntheticPosts.CreateTokenizer();

        SyntheticPosts.Vocabulary.Take(5).Should().Equal("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]");
        SyntheticPosts.Vocabulary.Should().OnlyHaveUniqueItems();
        tokenizer.VocabularySize.Should().Be(SyntheticPosts.Vocabulary.Count);
        using var encoded = tokenizer.Encode(data.Train.Select(p => p.Text).ToList());
        var longest = 0;
        for (var row = 0; row < encoded.BatchSize; row++)
        {
            var ids = encoded.GetInputIds(row).Take(encoded.Lengths[row]).ToArray();
            ids.Should().NotContain(tokenizer.UnknownTokenId, data.Train[row].Text);
            // Word-level: every space-separated word is one token or a word plus split-off punctuation.
            ids.Length.Should().BeGreaterThanOrEqualTo(data.Train[row].Text.Split(' ').Length + 2);
            longest = Math.Max(longest, ids.Length);
        }

        longest.Should().BeLessThanOrEqualTo(SyntheticPosts.MaxSequenceLength);
    }

    [Fact]
    public void Labelling_rule_matches_the_designed_table()
    {
        // picture shows the text's topic → its mood decides; otherwise the words do (caption → neutral).
        var expected = new (SyntheticStance Stance, bool OnTopic, bool Pleasant, int Label)[]
        {
            (SyntheticStance.Praise, true, true, 2), (SyntheticStance.Praise, true, false, 0),
            (SyntheticStance.Complaint, true, true, 2), (SyntheticStance.Complaint, true, false, 0),
            (SyntheticStance.Caption, true, true, 2), (SyntheticStance.Caption, true, false, 0),
            (SyntheticStance.Praise, false, true, 2), (SyntheticStance.Praise, false, false, 2),
            (SyntheticStance.Complaint, false, true, 0), (SyntheticStance.Complaint, false, false, 0),
            (SyntheticStance.Caption, false, true, 1), (SyntheticStance.Caption, false, false, 1),
        };

        foreach (var (stance, onTopic, pleasant, label) in expected)
        {
            SyntheticPosts.LabelOf(stance, onTopic, pleasant).Should().Be(label, $"{stance}, on topic {onTopic}, pleasant {pleasant}");
        }

        SyntheticPosts.ClassNames.Should().Equal("negative", "neutral", "positive");
    }

    [Fact]
    public void Generated_posts_follow_the_rule_and_flipping_the_relation_flips_the_label()
    {
        var data = SyntheticPosts.Generate(new SyntheticPostsOptions { TrainCount = 900, ValidationCount = 0, TestCount = 0, ImageSize = 16 });

        foreach (var post in data.Train)
        {
            post.CleanLabel.Should().Be(post.Label);
            post.CleanLabel.Should().Be(SyntheticPosts.LabelOf(post.Stance, post.ImageShowsTextTopic, post.PleasantImage));
        }

        // Sarcasm: the same praise text is positive over a pleasant scene of its topic and negative over an unpleasant one.
        SyntheticPosts.LabelOf(SyntheticStance.Praise, true, true).Should().NotBe(SyntheticPosts.LabelOf(SyntheticStance.Praise, true, false));
        // A caption's label changes when the picture stops showing its topic, whatever the mood.
        foreach (var pleasant in new[] { true, false })
        {
            SyntheticPosts.LabelOf(SyntheticStance.Caption, true, pleasant).Should().NotBe(SyntheticPosts.LabelOf(SyntheticStance.Caption, false, pleasant));
        }

        // Every relation cell occurs, and the same text template is seen with both relations.
        var cells = data.Train.Select(p => (p.Stance, p.ImageShowsTextTopic, p.PleasantImage)).Distinct().Count();
        cells.Should().Be(12);
        var onRate = data.Train.Average(p => p.ImageShowsTextTopic ? 1.0 : 0.0);
        onRate.Should().BeApproximately(0.5, 0.05);
    }

    [Fact]
    public void Texts_name_their_topic_only_with_valence_free_words_and_vague_texts_name_none()
    {
        var data = SyntheticPosts.Generate(new SyntheticPostsOptions { TrainCount = 600, ValidationCount = 0, TestCount = 0, ImageSize = 16, Ambiguity = 0.5 });
        string[] sceneWords = ["sunny", "rain", "rainy", "beach", "cracked", "broken", "jam", "burnt", "wilted", "muddy", "mud", "bloom"];
        string[] topicWords = ["weather", "sky", "forecast", "phone", "mobile", "commute", "drive", "road", "traffic", "cake", "baking", "bake", "garden", "plants", "flowers", "dog", "pup", "puppy"];

        foreach (var post in data.Train)
        {
            var words = post.Text.Split(' ', '.', ',', '!', '\'');
            words.Should().NotIntersectWith(sceneWords, post.Text);
            if (post.VagueText)
            {
                words.Should().NotIntersectWith(topicWords, post.Text);
            }
            else
            {
                words.Should().IntersectWith(topicWords, post.Text);
            }
        }

        data.Train.Average(p => p.VagueText ? 1.0 : 0.0).Should().BeApproximately(0.5, 0.06);
    }

    [Fact]
    public void Label_noise_flips_about_the_requested_fraction_to_other_classes()
    {
        var data = SyntheticPosts.Generate(new SyntheticPostsOptions { TrainCount = 1200, ValidationCount = 0, TestCount = 0, ImageSize = 16, LabelNoise = 0.2 });

        data.Train.Average(p => p.LabelFlipped ? 1.0 : 0.0).Should().BeApproximately(0.2, 0.035);
        data.Train.Where(p => p.LabelFlipped).Should().OnlyContain(p => p.Label != p.CleanLabel && p.Label >= 0 && p.Label < 3);
        Enumerable.Range(0, 3).Select(c => data.Train.Count(p => p.Label == c)).Should().OnlyContain(n => n > 340 && n < 460);
    }

    [Fact]
    public void Ceilings_match_the_hand_computed_values()
    {
        var c = SyntheticPosts.ComputeCeilings();

        // Text only: caption → neutral (right half the time), praise → positive (3/4), complaint → negative (3/4):
        // 2/3·1/2 + 1/6·3/4 + 1/6·3/4 = 7/12. Image only: pleasant → positive, 7/24 of 1/2 each mood → 7/12.
        c.Prior.Accuracy.Should().BeApproximately(1.0 / 3, 1e-12);
        c.TextOnly.Accuracy.Should().BeApproximately(7.0 / 12, 1e-12);
        c.ImageOnly.Accuracy.Should().BeApproximately(7.0 / 12, 1e-12);
        c.Joint.Accuracy.Should().BeApproximately(1, 1e-12);
        // Text-only rule: neutral F1 2/3 (recall 1, precision 1/2), positive/negative F1 1/2 (recall 3/8, precision 3/4).
        c.TextOnly.MacroF1.Should().BeApproximately(((2.0 / 3) + 0.5 + 0.5) / 3, 1e-12);
        // Image-only rule never predicts neutral: positive/negative F1 = 2·(7/8·7/12)/(7/8 + 7/12) = 0.7.
        c.ImageOnly.MacroF1.Should().BeApproximately(1.4 / 3, 1e-12);
        c.Joint.MacroF1.Should().BeApproximately(1, 1e-12);

        // Topic count does not change the single-modality ceilings; label noise caps the joint one at 1 − ε.
        SyntheticPosts.ComputeCeilings(new SyntheticPostsOptions { TopicCount = 3 }).TextOnly.Accuracy.Should().BeApproximately(7.0 / 12, 1e-12);
        var noisy = SyntheticPosts.ComputeCeilings(new SyntheticPostsOptions { LabelNoise = 0.1 });
        noisy.Joint.Accuracy.Should().BeApproximately(0.9, 1e-12);
        noisy.TextOnly.Accuracy.Should().BeApproximately((7.0 / 12 * 0.9) + (5.0 / 12 * 0.05), 1e-12);
        // Fully vague texts: a caption over a pleasant picture is positive or neutral with equal odds.
        SyntheticPosts.ComputeCeilings(new SyntheticPostsOptions { Ambiguity = 1 }).Joint.Accuracy.Should().BeLessThan(0.85);
    }

    [Fact]
    public void Empirical_single_modality_majority_rules_stay_near_the_ceilings()
    {
        var data = SyntheticPosts.Generate(new SyntheticPostsOptions { TrainCount = 3000, ValidationCount = 0, TestCount = 0, ImageSize = 16 });

        // The best lookup table over what each modality shows, fitted on the data itself (an optimistic estimate).
        MajorityAccuracy(data.Train, p => $"{p.Stance}/{p.TextTopic}").Should().BeApproximately(7.0 / 12, 0.03);
        MajorityAccuracy(data.Train, p => $"{p.ImageTopic}/{p.PleasantImage}").Should().BeApproximately(7.0 / 12, 0.03);
        MajorityAccuracy(data.Train, p => $"{p.Stance}/{p.TextTopic}/{p.ImageTopic}/{p.PleasantImage}").Should().Be(1);
    }

    [Fact]
    public void Scene_names_and_rule_reject_undefined_values()
    {
        SyntheticPosts.SceneName(SyntheticTopic.Weather, true).Should().Be("sunny beach");
        SyntheticPosts.SceneName(SyntheticTopic.Phone, false).Should().Be("cracked phone");
        var badTopic = () => SyntheticPosts.SceneName((SyntheticTopic)9, true);
        badTopic.Should().Throw<ArgumentOutOfRangeException>().WithParameterName("topic");
        var badStance = () => SyntheticPosts.LabelOf((SyntheticStance)7, true, true);
        badStance.Should().Throw<ArgumentOutOfRangeException>().WithParameterName("stance");
    }

    [Theory]
    [InlineData(nameof(SyntheticPostsOptions.TrainCount))]
    [InlineData(nameof(SyntheticPostsOptions.ValidationCount))]
    [InlineData(nameof(SyntheticPostsOptions.TestCount))]
    [InlineData(nameof(SyntheticPostsOptions.ImageSize))]
    [InlineData(nameof(SyntheticPostsOptions.TopicCount))]
    [InlineData(nameof(SyntheticPostsOptions.LabelNoise))]
    [InlineData(nameof(SyntheticPostsOptions.Ambiguity))]
    [InlineData(nameof(SyntheticPostsOptions.PixelNoise))]
    [InlineData(nameof(SyntheticPostsOptions.DistractorRate))]
    public void Invalid_options_throw_naming_the_option(string option)
    {
        var bad = option switch
        {
            nameof(SyntheticPostsOptions.TrainCount) => new SyntheticPostsOptions { TrainCount = 2 },
            nameof(SyntheticPostsOptions.ValidationCount) => new SyntheticPostsOptions { ValidationCount = -1 },
            nameof(SyntheticPostsOptions.TestCount) => new SyntheticPostsOptions { TestCount = -1 },
            nameof(SyntheticPostsOptions.ImageSize) => new SyntheticPostsOptions { ImageSize = 8 },
            nameof(SyntheticPostsOptions.TopicCount) => new SyntheticPostsOptions { TopicCount = 7 },
            nameof(SyntheticPostsOptions.LabelNoise) => new SyntheticPostsOptions { LabelNoise = 0.7 },
            nameof(SyntheticPostsOptions.Ambiguity) => new SyntheticPostsOptions { Ambiguity = double.NaN },
            nameof(SyntheticPostsOptions.PixelNoise) => new SyntheticPostsOptions { PixelNoise = -1 },
            _ => new SyntheticPostsOptions { DistractorRate = 1.5 },
        };

        var generate = () => SyntheticPosts.Generate(bad);
        generate.Should().Throw<ArgumentOutOfRangeException>().WithParameterName(option);
        var ceilings = () => SyntheticPosts.ComputeCeilings(bad);
        ceilings.Should().Throw<ArgumentOutOfRangeException>().WithParameterName(option);
    }

    [Fact]
    public void Fewer_topics_draw_only_the_first_topics()
    {
        var data = SyntheticPosts.Generate(new SyntheticPostsOptions { TrainCount = 300, ValidationCount = 0, TestCount = 0, ImageSize = 16, TopicCount = 2 });

        data.Train.Should().OnlyContain(p => (int)p.TextTopic < 2 && (int)p.ImageTopic < 2);
        data.Train.Select(p => p.ImageTopic).Distinct().Should().HaveCount(2);
    }

    private static double MajorityAccuracy(IReadOnlyList<SyntheticPost> posts, Func<SyntheticPost, string> key) =>
        posts.GroupBy(key).Sum(g => g.GroupBy(p => p.Label).Max(l => l.Count())) / (double)posts.Count;

    private static string Fingerprint(SyntheticPostsDataset data) =>
        Fingerprint(data.Train) + Fingerprint(data.Validation) + Fingerprint(data.Test);

    private static string Fingerprint(IReadOnlyList<SyntheticPost> posts)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var post in posts)
        {
            hash.AppendData(Encoding.UTF8.GetBytes($"{post.Id}\n{post.Text}\n{post.Label}\n"));
            hash.AppendData(post.Pixels.Span);
        }

        return Convert.ToHexString(hash.GetHashAndReset());
    }
}

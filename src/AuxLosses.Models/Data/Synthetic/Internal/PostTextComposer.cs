using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;

namespace AuxLosses.Models.Internal;

/// <summary>
/// Writes the texts of synthetic posts from templates: <c>[filler] template(noun phrase)[punctuation] [filler]</c>.
/// The template depends only on the stance, the noun phrase only on the topic (or is vague), and fillers and
/// punctuation on nothing, so a text carries exactly (stance, topic or "vague") and no other signal.
/// </summary>
internal static class PostTextComposer
{
    private const string Slot = "{np}";

    // Noun phrases name the topic without telling the pleasant scene from the unpleasant one.
    private static readonly string[][] NounPhrases =
    [
        ["the weather", "the sky", "today's forecast", "this weather", "the weather outside"],
        ["my phone", "the phone", "this phone", "my mobile"],
        ["the commute", "my drive home", "the road", "the traffic", "this commute"],
        ["my cake", "the cake", "my baking", "this bake"],
        ["the garden", "my plants", "the flowers", "my garden"],
        ["the dog", "my dog", "this pup", "my puppy"],
    ];

    // Ambiguity: a reference that could be any topic.
    private static readonly string[] VagueNounPhrases = ["this", "all this", "this whole thing"];

    private static readonly string[] PraiseTemplates =
    [
        "loving {np} right now", "{np} is just perfect", "so happy with {np}", "{np} made my day",
        "honestly {np} is amazing", "great, just great. {np}", "what a time for {np}, love it",
        "could not ask for better than {np}", "{np} never disappoints",
    ];

    private static readonly string[] ComplaintTemplates =
    [
        "{np} is the worst", "so done with {np}", "{np} ruined my day", "ugh, {np} again", "hate {np} today",
        "{np} is a total disaster", "not again, {np}", "{np} is driving me crazy",
    ];

    // No polarity of their own: captions and open reactions whose sentiment the picture decides.
    private static readonly string[] CaptionTemplates =
    [
        "{np} today", "here is {np}", "look at {np}", "can't believe {np}", "well, {np}", "so this is {np}",
        "no words. {np}", "{np}, that's all i have to say", "and then there was {np}", "{np} this morning",
    ];

    private static readonly string[] Prefixes = ["honestly", "ok so", "omg", "lol", "so yeah", "update:", "not gonna lie,"];

    private static readonly string[] Suffixes = ["#monday", "#weekend", "#nofilter", "#tbt", "@sam", "@alex", "lol", "tbh", "haha", "at 7am"];

    private static readonly string[] Endings = ["", "", "!", ".", "!!", "..."];

    /// <summary>Every word the composer can write (lowercase, punctuation split off), in ordinal order.</summary>
    public static IReadOnlyList<string> Words { get; } = AllFragments().SelectMany(SplitWords).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();

    /// <summary>Most words (punctuation included) a composed text can have.</summary>
    public static int MaxWordCount { get; } =
        Prefixes.Max(Count) + PraiseTemplates.Concat(ComplaintTemplates).Concat(CaptionTemplates).Max(t => Count(t.Replace(Slot, string.Empty, StringComparison.Ordinal)))
        + NounPhrases.SelectMany(p => p).Concat(VagueNounPhrases).Max(Count) + Endings.Max(Count) + Suffixes.Max(Count);

    public static string Compose(Random random, SyntheticStance stance, SyntheticTopic topic, bool vague, double distractorRate)
    {
        var templates = stance switch
        {
            SyntheticStance.Praise => PraiseTemplates,
            SyntheticStance.Complaint => ComplaintTemplates,
            _ => CaptionTemplates,
        };
        var template = Pick(random, templates);
        var phrases = vague ? VagueNounPhrases : NounPhrases[(int)topic];
        var phrase = Pick(random, phrases);
        var ending = Pick(random, Endings);
        var prefix = random.NextDouble() < distractorRate ? Pick(random, Prefixes) : null;
        var suffix = random.NextDouble() < distractorRate ? Pick(random, Suffixes) : null;

        var text = new StringBuilder();
        if (prefix is not null)
        {
            text.Append(prefix).Append(' ');
        }

        text.Append(template.Replace(Slot, phrase, StringComparison.Ordinal)).Append(ending);
        if (suffix is not null)
        {
            text.Append(' ').Append(suffix);
        }

        return text.ToString();
    }

    /// <summary>
    /// The words of <paramref name="text"/> as an uncased BERT basic tokenizer sees ASCII text: lowercased, split on
    /// spaces, every ASCII punctuation character a word of its own.
    /// </summary>
    public static IEnumerable<string> SplitWords(string text)
    {
        var word = new StringBuilder();
        foreach (var c in text.ToLowerInvariant())
        {
            if (char.IsWhiteSpace(c) || IsPunctuation(c))
            {
                if (word.Length > 0)
                {
                    yield return word.ToString();
                    word.Clear();
                }

                if (IsPunctuation(c))
                {
                    yield return c.ToString();
                }
            }
            else
            {
                word.Append(c);
            }
        }

        if (word.Length > 0)
        {
            yield return word.ToString();
        }
    }

    // Hugging Face's _is_punctuation for ASCII: every non-alphanumeric printable character.
    private static bool IsPunctuation(char c) => c is (>= '!' and <= '/') or (>= ':' and <= '@') or (>= '[' and <= '`') or (>= '{' and <= '~');

    private static int Count(string text) => SplitWords(text).Count();

    private static T Pick<T>(Random random, T[] items) => items[random.Next(items.Length)];

    private static IEnumerable<string> AllFragments() =>
        NounPhrases.SelectMany(p => p).Concat(VagueNounPhrases).Concat(PraiseTemplates).Concat(ComplaintTemplates)
            .Concat(CaptionTemplates).Concat(Prefixes).Concat(Suffixes).Concat(Endings)
            .Select(t => t.Replace(Slot, " ", StringComparison.Ordinal));
}

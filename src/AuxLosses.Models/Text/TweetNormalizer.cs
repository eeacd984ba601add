using System;
using System.Text;
using System.Text.RegularExpressions;

namespace AuxLosses.Models;

/// <summary>
/// The paper's tweet normalization (Sánchez Villegas et al., EACL Findings 2024, <c>Tweet_Preprocessing.normalizeTweet</c>,
/// itself BERTweet's <c>TweetNormalizer</c>): user mentions become <c>@USER</c>, tokens starting with http or www become
/// <c>HTTPURL</c>, ’ becomes ' and … becomes ..., and runs of whitespace collapse to one space.
/// </summary>
/// <remarks>
/// Not reproduced, on purpose: NLTK's TweetTokenizer re-spacing of every token, the contraction splitting
/// ("don't" → "do n't") that only BERTweet's own vocabulary expects, and emoji demojizing (<c>emoji.demojize</c>
/// needs the emoji name table, which this library does not ship). A mention or link is still cut off from punctuation
/// that follows it ("@bob:" → "@USER:"), which is what the token-level rule gives after NLTK's split.
/// </remarks>
public static partial class TweetNormalizer
{
    /// <summary>The token that replaces a user mention.</summary>
    public const string UserToken = "@USER";

    /// <summary>The token that replaces a link.</summary>
    public const string UrlToken = "HTTPURL";

    /// <summary>Normalizes one tweet.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is null.</exception>
    public static string Normalize(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var s = text.Replace('\u2019', '\'').Replace("\u2026", "...", StringComparison.Ordinal);
        s = UrlRegex().Replace(s, UrlToken);
        s = MentionRegex().Replace(s, UserToken);
        var sb = new StringBuilder(s.Length);
        foreach (var part in s.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))
        {
            if (sb.Length > 0)
            {
                sb.Append(' ');
            }

            sb.Append(part);
        }

        return sb.ToString();
    }

    // As in the paper, a token that starts with "http" or "www" (any case) is a link; like NLTK's URL pattern it does
    // not swallow trailing sentence punctuation ("see http://x.co/a." keeps the period).
    [GeneratedRegex(@"(?i)\b(?:http|www)(?:\S*[^\s`!()\[\]{};:'"".,<>?«»“”‘’])?", RegexOptions.CultureInvariant)]
    private static partial Regex UrlRegex();

    // @handle not glued to a preceding word character (so e-mail addresses stay as they are).
    [GeneratedRegex(@"(?<![\w@])@\w+", RegexOptions.CultureInvariant)]
    private static partial Regex MentionRegex();
}

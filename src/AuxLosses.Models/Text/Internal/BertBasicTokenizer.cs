using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace AuxLosses.Models.Internal;

/// <summary>
/// Hugging Face's BERT <c>BasicTokenizer</c> (transformers <c>tokenization_bert.py</c>), ported rule for rule: clean text
/// (drop NUL, U+FFFD and every other-category char; whitespace becomes a space), space out CJK ideographs, NFC,
/// split on whitespace, lowercase, NFD and drop non-spacing marks, split every punctuation char off.
/// </summary>
/// <remarks>
/// Microsoft.ML.Tokenizers' own BERT normalizer differs from Hugging Face in ways that change ids: it deletes
/// \t \n \r instead of turning them into spaces, keeps format chars (U+200B…), recomposes with NFC after stripping
/// accents (Hangul jamo become syllables again), and its pre-tokenizer (<c>\w+|\p{P}</c>) silently drops symbols
/// such as $ + = and emoji that Hugging Face keeps (usually as [UNK]). So the basic step is done here and the
/// library does WordPiece on the already split words.
/// </remarks>
internal sealed class BertBasicTokenizer
{
    private readonly bool _lowerCase;
    private readonly bool _stripAccents;
    private readonly bool _tokenizeChineseChars;
    private readonly string[] _neverSplit;

    public BertBasicTokenizer(bool lowerCase, bool stripAccents, bool tokenizeChineseChars, IEnumerable<string> neverSplit)
    {
        _lowerCase = lowerCase;
        _stripAccents = stripAccents;
        _tokenizeChineseChars = tokenizeChineseChars;
        var specials = new List<string>();
        foreach (var token in neverSplit)
        {
            if (!string.IsNullOrEmpty(token) && !specials.Contains(token))
            {
                specials.Add(token);
            }
        }

        // Longest first so that one special token that is a prefix of another cannot shadow it.
        specials.Sort((a, b) => b.Length.CompareTo(a.Length));
        _neverSplit = specials.ToArray();
    }

    /// <summary>Splits <paramref name="text"/> into words ready for WordPiece; special tokens come through whole.</summary>
    public List<string> Tokenize(string text)
    {
        var words = new List<string>();
        var start = 0;
        while (start <= text.Length)
        {
            var (index, special) = FindSpecial(text, start);
            var end = index < 0 ? text.Length : index;
            if (end > start)
            {
                TokenizePlain(text.Substring(start, end - start), words);
            }

            if (index < 0)
            {
                break;
            }

            words.Add(special!);
            start = index + special!.Length;
        }

        return words;
    }

    private (int Index, string? Token) FindSpecial(string text, int start)
    {
        var best = -1;
        string? bestToken = null;
        foreach (var token in _neverSplit)
        {
            var i = text.IndexOf(token, start, StringComparison.Ordinal);
            if (i >= 0 && (best < 0 || i < best))
            {
                best = i;
                bestToken = token;
            }
        }

        return (best, bestToken);
    }

    private void TokenizePlain(string text, List<string> words)
    {
        var cleaned = CleanText(text).Normalize(NormalizationForm.FormC);
        foreach (var token in cleaned.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))
        {
            var word = token;
            if (_lowerCase)
            {
                word = LowerCase(word);
            }

            if (_stripAccents)
            {
                word = StripAccents(word);
            }

            SplitOnPunctuation(word, words);
        }
    }

    private string CleanText(string text)
    {
        var sb = new StringBuilder(text.Length + 8);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            var width = char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]) ? 2 : 1;
            var cp = width == 2 ? char.ConvertToUtf32(c, text[i + 1]) : c;
            if (cp == 0 || cp == 0xFFFD || IsControl(text, i, c))
            {
                i += width - 1;
                continue;
            }

            if (IsWhitespace(text, i, c))
            {
                sb.Append(' ');
            }
            else if (_tokenizeChineseChars && IsChineseChar(cp))
            {
                sb.Append(' ').Append(text, i, width).Append(' ');
            }
            else
            {
                sb.Append(text, i, width);
            }

            i += width - 1;
        }

        return sb.ToString();
    }

    // Python's str.lower applied one character at a time (as the slow tokenizer does): only U+0130 differs from
    // .NET's simple invariant mapping, becoming "i" + COMBINING DOT ABOVE; Greek final sigma is never produced.
    private static string LowerCase(string word)
    {
        var sb = new StringBuilder(word.Length);
        for (var i = 0; i < word.Length; i++)
        {
            if (word[i] == '\u0130')
            {
                sb.Append("i\u0307");
            }
            else if (char.IsHighSurrogate(word[i]) && i + 1 < word.Length && char.IsLowSurrogate(word[i + 1]))
            {
                sb.Append(word.AsSpan(i, 2).ToString().ToLowerInvariant());
                i++;
            }
            else
            {
                sb.Append(char.ToLowerInvariant(word[i]));
            }
        }

        return sb.ToString();
    }

    private static string StripAccents(string word)
    {
        var decomposed = word.Normalize(NormalizationForm.FormD);
        var sb = new StringBuilder(decomposed.Length);
        for (var i = 0; i < decomposed.Length; i++)
        {
            if (CharUnicodeInfo.GetUnicodeCategory(decomposed, i) != UnicodeCategory.NonSpacingMark)
            {
                sb.Append(decomposed[i]);
            }
        }

        return sb.ToString();
    }

    private static void SplitOnPunctuation(string word, List<string> words)
    {
        var start = 0;
        for (var i = 0; i < word.Length; i++)
        {
            var width = char.IsHighSurrogate(word[i]) && i + 1 < word.Length && char.IsLowSurrogate(word[i + 1]) ? 2 : 1;
            if (IsPunctuation(word, i, word[i]))
            {
                if (i > start)
                {
                    words.Add(word.Substring(start, i - start));
                }

                words.Add(word.Substring(i, width));
                start = i + width;
            }

            i += width - 1;
        }

        if (start < word.Length)
        {
            words.Add(word.Substring(start));
        }
    }

    private static bool IsWhitespace(string s, int i, char c) =>
        c is ' ' or '\t' or '\n' or '\r' || CharUnicodeInfo.GetUnicodeCategory(s, i) == UnicodeCategory.SpaceSeparator;

    // Every "C*" category (control, format, surrogate, private use, unassigned), except the three whitespace controls.
    private static bool IsControl(string s, int i, char c) =>
        c is not ('\t' or '\n' or '\r') && CharUnicodeInfo.GetUnicodeCategory(s, i) is UnicodeCategory.Control
            or UnicodeCategory.Format or UnicodeCategory.Surrogate or UnicodeCategory.PrivateUse or UnicodeCategory.OtherNotAssigned;

    // All non-letter/number ASCII is punctuation (so $ + < = > ^ ` | ~ split too), plus the Unicode "P*" categories.
    private static bool IsPunctuation(string s, int i, char c)
    {
        if (c is (>= '!' and <= '/') or (>= ':' and <= '@') or (>= '[' and <= '`') or (>= '{' and <= '~'))
        {
            return true;
        }

        return CharUnicodeInfo.GetUnicodeCategory(s, i) is UnicodeCategory.ConnectorPunctuation or UnicodeCategory.DashPunctuation
            or UnicodeCategory.OpenPunctuation or UnicodeCategory.ClosePunctuation or UnicodeCategory.InitialQuotePunctuation
            or UnicodeCategory.FinalQuotePunctuation or UnicodeCategory.OtherPunctuation;
    }

    private static bool IsChineseChar(int cp) =>
        cp is (>= 0x4E00 and <= 0x9FFF) or (>= 0x3400 and <= 0x4DBF) or (>= 0x20000 and <= 0x2A6DF)
            or (>= 0x2A700 and <= 0x2B73F) or (>= 0x2B740 and <= 0x2B81F) or (>= 0x2B820 and <= 0x2CEAF)
            or (>= 0xF900 and <= 0xFAFF) or (>= 0x2F800 and <= 0x2FA1F);
}

using System;
using System.Collections.Generic;

namespace AuxLosses.Models.Internal;

/// <summary>
/// Where special tokens go around one or two segments: <c>prefix A suffix</c> or
/// <c>prefix A middle B pairSuffix</c>. BERT: [CLS] A [SEP] B [SEP], B's segment 1; RoBERTa: &lt;s&gt; A &lt;/s&gt;&lt;/s&gt; B &lt;/s&gt;, all 0.
/// </summary>
internal sealed record SpecialTokenTemplate(int[] Prefix, int[] Suffix, int[] PairMiddle, int[] PairSuffix, int SecondSegmentType)
{
    public int SingleCount => Prefix.Length + Suffix.Length;

    public int PairCount => Prefix.Length + PairMiddle.Length + PairSuffix.Length;
}

/// <summary>Truncation, special tokens and padding shared by every tokenizer.</summary>
internal static class BatchEncoder
{
    public static TokenizedBatch Encode(
        IReadOnlyList<string> texts,
        IReadOnlyList<string>? pairs,
        Func<string, List<int>> tokenize,
        SpecialTokenTemplate template,
        int padId,
        TextTokenizerOptions options)
    {
        ArgumentNullException.ThrowIfNull(texts);
        if (texts.Count == 0)
        {
            throw new ArgumentException("texts must hold at least one text, got an empty list.", nameof(texts));
        }

        if (pairs is not null && pairs.Count != texts.Count)
        {
            throw new ArgumentException($"pairs must have one text per entry of texts ({texts.Count}), got {pairs.Count}.", nameof(pairs));
        }

        var specials = pairs is null ? template.SingleCount : template.PairCount;
        if (options.MaxLength < specials)
        {
            throw new ArgumentException($"MaxLength {options.MaxLength} leaves no room for the {specials} special tokens of a {(pairs is null ? "single text" : "text pair")}.", nameof(options));
        }

        var rows = new List<(int[] Ids, int[] Types)>(texts.Count);
        for (var i = 0; i < texts.Count; i++)
        {
            var a = tokenize(Checked(texts, i, nameof(texts)));
            var b = pairs is null ? null : tokenize(Checked(pairs, i, nameof(pairs)));
            var budget = options.MaxLength - specials;
            var total = a.Count + (b?.Count ?? 0);
            if (total > budget)
            {
                if (!options.Truncation)
                {
                    throw new ArgumentException($"Text {i} needs {total + specials} tokens, more than MaxLength {options.MaxLength}, and Truncation is off.", nameof(texts));
                }

                Truncate(a, b, budget);
            }

            rows.Add(Assemble(a, b, template));
        }

        var length = options.Padding == PaddingStrategy.MaxLength ? options.MaxLength : 0;
        foreach (var (ids, _) in rows)
        {
            length = Math.Max(length, ids.Length);
        }

        var inputIds = new long[rows.Count, length];
        var mask = new long[rows.Count, length];
        var types = new long[rows.Count, length];
        var lengths = new int[rows.Count];
        for (var r = 0; r < rows.Count; r++)
        {
            var (ids, segment) = rows[r];
            lengths[r] = ids.Length;
            for (var j = 0; j < length; j++)
            {
                var real = j < ids.Length;
                inputIds[r, j] = real ? ids[j] : padId;
                mask[r, j] = real ? 1 : 0;
                types[r, j] = real ? segment[j] : 0;
            }
        }

        return new TokenizedBatch(inputIds, mask, types, lengths);
    }

    private static string Checked(IReadOnlyList<string> list, int i, string name) =>
        list[i] ?? throw new ArgumentNullException(name, $"{name}[{i}] is null; every text must be a string (use \"\" for an empty one).");

    // Hugging Face (tokenizers' "longest_first"): only the longer segment is cut while that suffices; otherwise both are
    // cut to half the budget, the first segment getting the floor when they tie.
    private static void Truncate(List<int> a, List<int>? b, int budget)
    {
        if (b is null)
        {
            a.RemoveRange(budget, a.Count - budget);
            return;
        }

        int n1 = a.Count, n2 = b.Count;
        var swap = n1 > n2;
        if (swap)
        {
            (n1, n2) = (n2, n1);
        }

        n2 = n1 > budget ? n1 : Math.Max(n1, budget - n1);
        if (n1 + n2 > budget)
        {
            n1 = budget / 2;
            n2 = n1 + (budget % 2);
        }

        if (swap)
        {
            (n1, n2) = (n2, n1);
        }

        a.RemoveRange(Math.Min(n1, a.Count), a.Count - Math.Min(n1, a.Count));
        b.RemoveRange(Math.Min(n2, b.Count), b.Count - Math.Min(n2, b.Count));
    }

    private static (int[] Ids, int[] Types) Assemble(List<int> a, List<int>? b, SpecialTokenTemplate t)
    {
        var ids = new List<int>(a.Count + (b?.Count ?? 0) + 4);
        ids.AddRange(t.Prefix);
        ids.AddRange(a);
        if (b is null)
        {
            ids.AddRange(t.Suffix);
            return (ids.ToArray(), new int[ids.Count]);
        }

        ids.AddRange(t.PairMiddle);
        var firstLength = ids.Count;
        ids.AddRange(b);
        ids.AddRange(t.PairSuffix);
        var types = new int[ids.Count];
        Array.Fill(types, t.SecondSegmentType, firstLength, ids.Count - firstLength);
        return (ids.ToArray(), types);
    }
}

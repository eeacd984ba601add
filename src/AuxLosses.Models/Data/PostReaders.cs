using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Numerics;
using System.Text;
using System.Text.Json;
using AuxLosses.Models.Internal;

namespace AuxLosses.Models;

/// <summary>
/// Readers for the data files image+text social-media work is published with:
/// <list type="bullet">
/// <item><see cref="ReadDataKeyCsv"/>: the AuxLosses paper repository's <c>data_key_*.csv</c>
/// (<c>tweet_id,text,label,split</c>) and, with <see cref="PostReaderOptions.LabelColumn"/> set, its TIR file;</item>
/// <item><see cref="ReadClmlfJson"/>: CLMLF's JSON splits (<c>[{"id", "text", "emotion_label"}, ...]</c>) for MVSA-Single,
/// MVSA-Multiple and HFM, images at <c>{root}/{id}.jpg</c>;</item>
/// <item><see cref="ReadHfmRaw"/>: the HFM (Cai et al., 2019) raw text files, one Python list literal per line,
/// <c>[id, text, label]</c> or <c>[id, text, hashtag_label, annotator_label]</c>, with the standard keyword filter.</item>
/// </list>
/// Every reader reports a malformed row with its file and 1-based line (<see cref="MalformedRowException"/>, or a
/// <see cref="SkippedRow"/> under <see cref="PostReaderOptions.CollectMalformedRows"/>) and applies the caller's
/// <see cref="MissingImagePolicy"/>, counting missing images in <see cref="PostDataset.MissingImages"/>.
/// </summary>
public static class PostReaders
{
    private static readonly string[] HfmKeywords =
        ["sarcasm", "sarcastic", "reposting", "<url>", "joke", "humour", "humor", "jokes", "irony", "ironic", "exgag"];

    /// <summary>
    /// The words of the standard HFM filter (from the HFM authors' loader, kept by CLMLF and later work): a row is dropped
    /// when one of them equals a whitespace-separated token of its text (case-sensitive, as Python's
    /// <c>word in text.split()</c>), because these hashtag-derived words leak the sarcasm label.
    /// </summary>
    public static IReadOnlyList<string> HfmFilterKeywords => HfmKeywords;

    /// <summary>
    /// Reads a header-led CSV: the paper's <c>data_key_*.csv</c> (<c>tweet_id,text,label,split</c>) by default, or any
    /// CSV whose id, text, label and split columns are named in <paramref name="options"/> (e.g. the TIR file with the
    /// task's label column). Columns may come in any order and extra columns (such as pandas' index) are ignored.
    /// </summary>
    /// <param name="path">The CSV file (UTF-8).</param>
    /// <param name="options">Reader options; null uses the defaults.</param>
    /// <param name="split">Split for rows of a file without a split column (or with an empty cell); null leaves it unknown.</param>
    /// <returns>The posts and the account of left-out rows.</returns>
    /// <exception cref="MalformedRowException">A malformed row (wrong column count, bad label, unterminated quote) or a missing column in the header.</exception>
    /// <exception cref="FileNotFoundException">The file is missing, or an image is missing under <see cref="MissingImagePolicy.Fail"/>.</exception>
    public static PostDataset ReadDataKeyCsv(string path, PostReaderOptions? options = null, string? split = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        options ??= new PostReaderOptions();
        var builder = new Builder(path, options);
        string text = File.ReadAllText(path, Encoding.UTF8);

        using (IEnumerator<CsvRecord> records = CsvRecordReader.Read(text).GetEnumerator())
        {
            if (!Next(records, path))
            {
                throw new MalformedRowException(path, 1, "the file is empty: expected a header row");
            }

            var header = records.Current.Fields;
            int Column(string name, bool required)
            {
                for (int k = 0; k < header.Count; k++)
                {
                    // A UTF-8 BOM is already removed by ReadAllText; trim spaces people leave after commas.
                    if (string.Equals(header[k].Trim(), name, StringComparison.Ordinal))
                    {
                        return k;
                    }
                }

                if (required)
                {
                    throw new MalformedRowException(path, records.Current.LineNumber,
                        $"header has no column '{name}' (columns: {string.Join(", ", header)})");
                }

                return -1;
            }

            int idCol = Column(options.IdColumn, true);
            int textCol = Column(options.TextColumn, true);
            int labelCol = Column(options.LabelColumn, true);
            int splitCol = Column(options.SplitColumn, false);

            while (Next(records, path))
            {
                var record = records.Current;
                if (options.MergeExtraFieldsIntoText && record.Fields.Count > header.Count)
                {
                    record = MergeIntoText(record, header.Count, textCol);
                }

                if (record.Fields.Count != header.Count)
                {
                    builder.Malformed(record.LineNumber, $"expected {header.Count} columns, found {record.Fields.Count}");
                    continue;
                }

                string id = record.Fields[idCol].Trim();
                if (id.Length == 0)
                {
                    builder.Malformed(record.LineNumber, $"empty id in column '{options.IdColumn}'");
                    continue;
                }

                if (!builder.TryLabel(record.Fields[labelCol], record.LineNumber, out int label))
                {
                    continue;
                }

                string? rowSplit = splitCol >= 0 && record.Fields[splitCol].Trim().Length > 0 ? record.Fields[splitCol].Trim() : split;
                builder.Add(record.LineNumber, id, record.Fields[textCol], label, rowSplit);
            }
        }

        return builder.Build();
    }

    /// <summary>
    /// Reads one of CLMLF's JSON split files: a JSON array of objects with <c>id</c> (string or integer), <c>text</c>
    /// and <c>emotion_label</c> (integer, or a name under <see cref="PostReaderOptions.LabelMap"/>); other members are ignored.
    /// The same layout serves MVSA-Single, MVSA-Multiple and HFM; images are looked up as
    /// <see cref="PostReaderOptions.ImageRoot"/>/<c>{id}.jpg</c>.
    /// </summary>
    /// <param name="path">The JSON file (UTF-8).</param>
    /// <param name="options">Reader options; null uses the defaults.</param>
    /// <param name="split">Split stamped on every post (CLMLF keeps one split per file); null leaves it unknown.</param>
    /// <returns>The posts and the account of left-out rows.</returns>
    /// <exception cref="MalformedRowException">A JSON syntax error (always), or an element without a usable id, text or label, reported at the line its object starts on.</exception>
    /// <exception cref="FileNotFoundException">The file is missing, or an image is missing under <see cref="MissingImagePolicy.Fail"/>.</exception>
    public static PostDataset ReadClmlfJson(string path, PostReaderOptions? options = null, string? split = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        options ??= new PostReaderOptions();
        var builder = new Builder(path, options);
        byte[] bytes = File.ReadAllBytes(path);
        if (bytes.AsSpan().StartsWith("\uFEFF"u8))
        {
            // Utf8JsonReader rejects a byte-order mark; editors on Windows write one.
            bytes = bytes[3..];
        }

        var lines = new LineIndex(bytes);
        var reader = new Utf8JsonReader(bytes, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartArray)
            {
                throw new MalformedRowException(path, lines.LineOf(reader.TokenStartIndex), "expected a JSON array of posts");
            }

            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                int line = lines.LineOf(reader.TokenStartIndex);
                using var element = JsonDocument.ParseValue(ref reader);
                ReadJsonPost(element.RootElement, line, builder, split);
            }
        }
        catch (JsonException e)
        {
            // A syntax error leaves no reliable next element, so it ends the file even in collect mode.
            throw new MalformedRowException(path, (int)(e.LineNumber ?? 0) + 1, "invalid JSON: " + e.Message, e);
        }

        return builder.Build();
    }

    /// <summary>
    /// Reads an HFM raw text file (<c>train.txt</c>, <c>valid2.txt</c>, <c>test2.txt</c>): one Python list literal per line,
    /// <c>[id, text, label]</c> or <c>[id, text, hashtag_label, annotator_label]</c>. As in the HFM authors' loader, the
    /// label is the last element, and (unless <see cref="PostReaderOptions.HfmKeywordFilter"/> is false) rows whose text
    /// contains one of <see cref="HfmFilterKeywords"/> as a whitespace-separated token are dropped and counted in
    /// <see cref="PostDataset.KeywordFiltered"/>. Lines are parsed by a literal parser, never evaluated. Blank lines are skipped.
    /// </summary>
    /// <param name="path">The text file (UTF-8).</param>
    /// <param name="options">Reader options; null uses the defaults.</param>
    /// <param name="split">Split stamped on every post; null leaves it unknown.</param>
    /// <returns>The posts and the account of left-out rows.</returns>
    /// <exception cref="MalformedRowException">A line that is not a list of 3 or 4 strings/integers of the expected kinds.</exception>
    /// <exception cref="FileNotFoundException">The file is missing, or an image is missing under <see cref="MissingImagePolicy.Fail"/>.</exception>
    public static PostDataset ReadHfmRaw(string path, PostReaderOptions? options = null, string? split = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        options ??= new PostReaderOptions();
        var builder = new Builder(path, options);
        int lineNumber = 0;
        foreach (string line in File.ReadLines(path, Encoding.UTF8))
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            IReadOnlyList<object> items;
            try
            {
                items = PythonLiteral.ParseList(line);
            }
            catch (FormatException e)
            {
                builder.Malformed(lineNumber, e.Message, e);
                continue;
            }

            if (items.Count is not (3 or 4))
            {
                builder.Malformed(lineNumber, $"expected [id, text, label] or [id, text, hashtag_label, annotator_label], found a list of {items.Count}");
                continue;
            }

            string? id = items[0] switch
            {
                string s when s.Trim().Length > 0 => s.Trim(),
                BigInteger n => n.ToString(CultureInfo.InvariantCulture),
                _ => null,
            };
            if (id is null)
            {
                builder.Malformed(lineNumber, "the id (element 1) must be a non-empty string or an integer");
                continue;
            }

            if (items[1] is not string text)
            {
                builder.Malformed(lineNumber, "the text (element 2) must be a string");
                continue;
            }

            string labelToken = items[^1] is BigInteger bl ? bl.ToString(CultureInfo.InvariantCulture) : (string)items[^1];
            if (!builder.TryLabel(labelToken, lineNumber, out int label))
            {
                continue;
            }

            if (options.HfmKeywordFilter && ContainsFilterKeyword(text, out string? word))
            {
                builder.Filtered(lineNumber, $"HFM keyword filter: text contains '{word}'");
                continue;
            }

            builder.Add(lineNumber, id, text, label, split);
        }

        return builder.Build();
    }

    /// <summary>True where <paramref name="text"/> has a <see cref="HfmFilterKeywords"/> word as a whitespace-separated token.</summary>
    /// <param name="text">The post text.</param>
    /// <param name="keyword">The first keyword found, or null.</param>
    /// <returns>Whether the standard HFM filter drops the text.</returns>
    public static bool ContainsFilterKeyword(string text, out string? keyword)
    {
        ArgumentNullException.ThrowIfNull(text);

        // Python's str.split() with no argument: runs of any whitespace, no empty tokens.
        foreach (string token in text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))
        {
            int k = Array.IndexOf(HfmKeywords, token);
            if (k >= 0)
            {
                keyword = HfmKeywords[k];
                return true;
            }
        }

        keyword = null;
        return false;
    }

    private static void ReadJsonPost(JsonElement e, int line, Builder builder, string? split)
    {
        if (e.ValueKind != JsonValueKind.Object)
        {
            builder.Malformed(line, $"expected an object, found {e.ValueKind}");
            return;
        }

        string? id = e.TryGetProperty("id", out var idElement)
            ? idElement.ValueKind switch
            {
                JsonValueKind.String => idElement.GetString()!.Trim(),
                JsonValueKind.Number => idElement.GetRawText(),
                _ => null,
            }
            : null;
        if (string.IsNullOrEmpty(id))
        {
            builder.Malformed(line, "missing or invalid 'id' (a non-empty string or a number)");
            return;
        }

        if (!e.TryGetProperty("text", out var textElement) || textElement.ValueKind != JsonValueKind.String)
        {
            builder.Malformed(line, $"post {id}: missing or non-string 'text'");
            return;
        }

        if (!e.TryGetProperty("emotion_label", out var labelElement)
            || labelElement.ValueKind is not (JsonValueKind.Number or JsonValueKind.String))
        {
            builder.Malformed(line, $"post {id}: missing 'emotion_label'");
            return;
        }

        string token = labelElement.ValueKind == JsonValueKind.String ? labelElement.GetString()! : labelElement.GetRawText();
        if (builder.TryLabel(token, line, out int label))
        {
            builder.Add(line, id, textElement.GetString()!, label, split);
        }
    }

    private static CsvRecord MergeIntoText(CsvRecord record, int columns, int textCol)
    {
        // Fields before the text column and after it keep their places; the surplus belongs to the text.
        int extra = record.Fields.Count - columns;
        var fields = new List<string>(columns);
        for (int k = 0; k < textCol; k++)
        {
            fields.Add(record.Fields[k]);
        }

        fields.Add(string.Join(',', Enumerable.Range(textCol, extra + 1).Select(k => record.Fields[k])));
        for (int k = textCol + extra + 1; k < record.Fields.Count; k++)
        {
            fields.Add(record.Fields[k]);
        }

        return record with { Fields = fields };
    }

    private static bool Next(IEnumerator<CsvRecord> records, string path)
    {
        try
        {
            return records.MoveNext();
        }
        catch (CsvFormatException e)
        {
            // An unterminated quote swallows the rest of the file, so this ends reading even in collect mode.
            throw new MalformedRowException(path, e.LineNumber, e.Message, e);
        }
    }

    /// <summary>Maps byte offsets of a UTF-8 file to 1-based line numbers.</summary>
    private sealed class LineIndex
    {
        private readonly List<long> _lineStarts = [0];

        public LineIndex(byte[] bytes)
        {
            for (int k = 0; k < bytes.Length; k++)
            {
                if (bytes[k] == (byte)'\n')
                {
                    _lineStarts.Add(k + 1);
                }
            }
        }

        public int LineOf(long offset)
        {
            int k = _lineStarts.BinarySearch(offset);
            return (k >= 0 ? k : ~k - 1) + 1;
        }
    }

    /// <summary>Collects posts and left-out rows for one file, applying the label and image options.</summary>
    private sealed class Builder
    {
        private readonly string _path;
        private readonly PostReaderOptions _options;
        private readonly List<SocialMediaPost> _posts = [];
        private readonly List<SkippedRow> _skipped = [];
        private int _missingImages;
        private int _filtered;

        public Builder(string path, PostReaderOptions options)
        {
            if (!Enum.IsDefined(options.MissingImagePolicy))
            {
                throw new ArgumentOutOfRangeException(nameof(options), options.MissingImagePolicy,
                    $"{nameof(PostReaderOptions.MissingImagePolicy)} must be Fail, Skip or TextOnly");
            }

            if (options.NumClasses < 0)
            {
                throw new ArgumentOutOfRangeException(nameof(options), options.NumClasses,
                    $"{nameof(PostReaderOptions.NumClasses)} must be >= 0 (0 = unchecked)");
            }

            if (string.IsNullOrEmpty(options.ImageFileFormat) || !options.ImageFileFormat.Contains("{0}", StringComparison.Ordinal))
            {
                throw new ArgumentOutOfRangeException(nameof(options), options.ImageFileFormat,
                    $"{nameof(PostReaderOptions.ImageFileFormat)} must contain {{0}} for the post id");
            }

            ArgumentNullException.ThrowIfNull(options.AlternateImageFileFormats, nameof(options));
            foreach (string format in options.AlternateImageFileFormats)
            {
                if (string.IsNullOrEmpty(format) || !format.Contains("{0}", StringComparison.Ordinal))
                {
                    throw new ArgumentOutOfRangeException(nameof(options), format,
                        $"each of {nameof(PostReaderOptions.AlternateImageFileFormats)} must contain {{0}} for the post id");
                }
            }

            _path = path;
            _options = options;
        }

        public void Malformed(int line, string reason, Exception? inner = null)
        {
            if (!_options.CollectMalformedRows)
            {
                throw new MalformedRowException(_path, line, reason, inner);
            }

            _skipped.Add(new SkippedRow(_path, line, "malformed: " + reason));
        }

        public void Filtered(int line, string reason)
        {
            _filtered++;
            _skipped.Add(new SkippedRow(_path, line, reason));
        }

        public bool TryLabel(string token, int line, out int label)
        {
            string trimmed = token.Trim();
            if (_options.LabelMap is { } map)
            {
                if (!map.TryGetValue(trimmed, out label))
                {
                    Malformed(line, $"label '{trimmed}' is not in the label map ({string.Join(", ", map.Keys)})");
                    return false;
                }
            }
            else if (!int.TryParse(trimmed, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out label) || label < 0)
            {
                Malformed(line, $"label '{trimmed}' is not a non-negative integer");
                label = 0;
                return false;
            }

            if (_options.NumClasses > 0 && (label < 0 || label >= _options.NumClasses))
            {
                Malformed(line, $"label {label} is outside [0, {_options.NumClasses})");
                return false;
            }

            return true;
        }

        public void Add(int line, string id, string text, int label, string? split)
        {
            string? imagePath = null;
            if (_options.ImageRoot is { } root)
            {
                string candidate = ImageFile(root, _options.ImageFileFormat, id);
                imagePath = File.Exists(candidate)
                    ? candidate
                    : _options.AlternateImageFileFormats.Select(f => ImageFile(root, f, id)).FirstOrDefault(File.Exists);
                if (imagePath is null)
                {
                    switch (_options.MissingImagePolicy)
                    {
                        case MissingImagePolicy.Fail:
                            throw new FileNotFoundException($"{_path}:{line}: image for post {id} not found: {candidate}", candidate);
                        case MissingImagePolicy.Skip:
                            _missingImages++;
                            _skipped.Add(new SkippedRow(_path, line, $"missing image {candidate}"));
                            return;
                        default:
                            _missingImages++;
                            break;
                    }
                }
            }

            _posts.Add(new SocialMediaPost(id, text, label, imagePath, split));
        }

        private static string ImageFile(string root, string format, string id) =>
            Path.Combine(root, string.Format(CultureInfo.InvariantCulture, format, id));

        public PostDataset Build() => new(_posts.ToArray(), _missingImages, _filtered, _skipped.ToArray());
    }
}

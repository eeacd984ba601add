using System.Collections.Generic;

namespace AuxLosses.Models;

/// <summary>Options shared by the <see cref="PostReaders"/> methods. Defaults read the files as their authors wrote them.</summary>
public sealed class PostReaderOptions
{
    /// <summary>
    /// Folder holding the images; null (the default) reads text and labels only and leaves
    /// <see cref="SocialMediaPost.ImagePath"/> null without checking any file.
    /// </summary>
    public string? ImageRoot { get; init; }

    /// <summary>
    /// Image file name under <see cref="ImageRoot"/>, with <c>{0}</c> standing for the post id. Default <c>{0}.jpg</c>
    /// (CLMLF's <c>{root}/{id}.jpg</c>, MVSA, HFM); the paper's TIR images are <c>T{0}.jpg</c>.
    /// </summary>
    public string ImageFileFormat { get; init; } = "{0}.jpg";

    /// <summary>
    /// File names tried in order when <see cref="ImageFileFormat"/> does not exist, each with <c>{0}</c> for the id.
    /// Default empty; the paper's loaders fall back from <c>.jpg</c> to <c>.png</c>, i.e. <c>["{0}.png"]</c>.
    /// </summary>
    public IReadOnlyList<string> AlternateImageFileFormats { get; init; } = [];

    /// <summary>What to do when an image file is missing. Default <see cref="MissingImagePolicy.Fail"/>.</summary>
    public MissingImagePolicy MissingImagePolicy { get; init; } = MissingImagePolicy.Fail;

    /// <summary>
    /// Label names to class ids (e.g. <c>negative→0, neutral→1, positive→2</c>), matched ordinally after trimming.
    /// Null (the default) reads labels as non-negative integers. With a map, a label not in it is a malformed row.
    /// </summary>
    public IReadOnlyDictionary<string, int>? LabelMap { get; init; }

    /// <summary>
    /// Number of classes; where positive (the default 0 means unchecked) a label outside <c>[0, NumClasses)</c> is a malformed row.
    /// </summary>
    public int NumClasses { get; init; }

    /// <summary>
    /// False (the default): the first malformed row throws <see cref="MalformedRowException"/> naming file and line.
    /// True: malformed rows are listed in <see cref="PostDataset.SkippedRows"/> and reading goes on. A JSON syntax error
    /// or an unterminated CSV quote ends the file's structure and always throws.
    /// </summary>
    public bool CollectMalformedRows { get; init; }

    /// <summary>
    /// Apply the standard HFM keyword filter to HFM raw text files (<see cref="PostReaders.ReadHfmRaw"/>). Default true,
    /// as every published HFM result does; set false to read all rows.
    /// </summary>
    public bool HfmKeywordFilter { get; init; } = true;

    /// <summary>Column holding the post id in CSV files. Default <c>tweet_id</c> (the paper's data_key_*.csv).</summary>
    public string IdColumn { get; init; } = "tweet_id";

    /// <summary>Column holding the text in CSV files. Default <c>text</c>.</summary>
    public string TextColumn { get; init; } = "text";

    /// <summary>
    /// Column holding the label in CSV files. Default <c>label</c>; for the paper's TIR file
    /// (<c>data_key_imgtxt_random.csv</c>) name the task's column instead.
    /// </summary>
    public string LabelColumn { get; init; } = "label";

    /// <summary>
    /// CSV rows with more fields than the header are read by joining the surplus into the text column with commas
    /// (the text held unquoted commas), instead of being malformed. Default false. The paper does this for the raw TIR
    /// file (<c>textimage-data.csv</c>); joining with "," rebuilds the written text exactly.
    /// </summary>
    public bool MergeExtraFieldsIntoText { get; init; }

    /// <summary>Column holding the split in CSV files; read where present, otherwise posts get the caller's split. Default <c>split</c>.</summary>
    public string SplitColumn { get; init; } = "split";
}

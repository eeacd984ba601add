using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using FluentAssertions;

namespace AuxLosses.Models.Tests.Data;

public class DataKeyCsvReaderTests
{
    [Fact]
    public void Reads_rows_with_quoted_commas_newlines_and_doubled_quotes()
    {
        var data = PostReaders.ReadDataKeyCsv(DataFiles.Fixture("data_key_good.csv"), split: "fallback");

        data.Posts.Should().Equal(
            new SocialMediaPost("101", "plain text", 0, null, "train"),
            new SocialMediaPost("102", "comma, inside", 1, null, "val"),
            new SocialMediaPost("103", "multi\nline \"quoted\" text", 2, null, "test"),
            new SocialMediaPost("104", string.Empty, 0, null, "fallback"));
        data.MissingImages.Should().Be(0);
        data.SkippedRows.Should().BeEmpty();
    }

    [Fact]
    public void Wrong_column_count_names_file_and_line()
    {
        string path = DataFiles.Fixture("data_key_bad_columns.csv");
        var act = () => PostReaders.ReadDataKeyCsv(path);

        var e = act.Should().Throw<MalformedRowException>().Which;
        e.FilePath.Should().Be(path);
        e.LineNumber.Should().Be(3);
        e.Message.Should().Be($"{path}:3: expected 4 columns, found 5");
    }

    [Fact]
    public void Bad_label_after_a_quoted_row_reports_its_own_line()
    {
        string path = DataFiles.Fixture("data_key_bad_label.csv");
        var act = () => PostReaders.ReadDataKeyCsv(path);

        var e = act.Should().Throw<MalformedRowException>().Which;
        e.LineNumber.Should().Be(4);
        e.Reason.Should().Be("label 'pos' is not a non-negative integer");
    }

    [Fact]
    public void Collect_mode_lists_malformed_rows_and_keeps_the_rest()
    {
        string path = DataFiles.Fixture("data_key_bad_columns.csv");
        var data = PostReaders.ReadDataKeyCsv(path, new PostReaderOptions { CollectMalformedRows = true });

        data.Posts.Select(p => p.Id).Should().Equal("1", "3");
        data.SkippedRows.Should().Equal(new SkippedRow(path, 3, "malformed: expected 4 columns, found 5"));
    }

    [Fact]
    public void Unterminated_quote_throws_at_the_row_even_in_collect_mode()
    {
        string path = DataFiles.Fixture("data_key_unterminated.csv");
        foreach (bool collect in new[] { false, true })
        {
            var act = () => PostReaders.ReadDataKeyCsv(path, new PostReaderOptions { CollectMalformedRows = collect });
            var e = act.Should().Throw<MalformedRowException>().Which;
            e.FilePath.Should().Be(path);
            e.LineNumber.Should().Be(3);
            e.Reason.Should().Contain("unterminated quoted field");
        }
    }

    [Fact]
    public void Missing_header_column_is_reported_on_line_1()
    {
        string path = DataFiles.TempFile("id,text,label\n1,a,0\n", ".csv");
        var act = () => PostReaders.ReadDataKeyCsv(path);

        var e = act.Should().Throw<MalformedRowException>().Which;
        e.LineNumber.Should().Be(1);
        e.Reason.Should().Contain("'tweet_id'");
    }

    [Fact]
    public void Crlf_line_endings_and_a_missing_final_newline_read_the_same()
    {
        string path = DataFiles.TempFile("tweet_id,text,label,split\r\n1,\"a\r\nb\",0,train\r\n\r\n2,c,1,test", ".csv");
        var data = PostReaders.ReadDataKeyCsv(path);

        data.Posts.Should().Equal(
            new SocialMediaPost("1", "a\r\nb", 0, null, "train"),
            new SocialMediaPost("2", "c", 1, null, "test"));
    }

    [Fact]
    public void Tir_file_reads_the_chosen_label_column_and_ignores_the_index()
    {
        string images = DataFiles.ImageFolder("T700", "T701");
        var options = new PostReaderOptions { LabelColumn = "text_is_represented", ImageRoot = images, ImageFileFormat = "T{0}.jpg" };
        var data = PostReaders.ReadDataKeyCsv(DataFiles.Fixture("data_tir.csv"), options);

        data.Posts.Should().Equal(
            new SocialMediaPost("700", "first, tir", 0, Path.Combine(images, "T700.jpg"), "train"),
            new SocialMediaPost("701", "second", 1, Path.Combine(images, "T701.jpg"), "test"));

        var adds = PostReaders.ReadDataKeyCsv(DataFiles.Fixture("data_tir.csv"), new PostReaderOptions { LabelColumn = "image_adds" });
        adds.Posts.Select(p => p.Label).Should().Equal(1, 0);
    }

    [Fact]
    public void Label_map_turns_names_into_ids_and_rejects_unknown_names()
    {
        var map = new Dictionary<string, int> { ["negative"] = 0, ["neutral"] = 1, ["positive"] = 2 };
        var data = PostReaders.ReadDataKeyCsv(DataFiles.Fixture("data_key_named_labels.csv"), new PostReaderOptions { LabelMap = map });
        data.Posts.Select(p => p.Label).Should().Equal(0, 2, 1);

        var partial = new Dictionary<string, int> { ["negative"] = 0, ["positive"] = 1 };
        var act = () => PostReaders.ReadDataKeyCsv(DataFiles.Fixture("data_key_named_labels.csv"), new PostReaderOptions { LabelMap = partial });
        act.Should().Throw<MalformedRowException>().Which.LineNumber.Should().Be(4);
    }

    [Fact]
    public void Num_classes_rejects_out_of_range_labels()
    {
        var act = () => PostReaders.ReadDataKeyCsv(DataFiles.Fixture("data_key_good.csv"), new PostReaderOptions { NumClasses = 2 });

        var e = act.Should().Throw<MalformedRowException>().Which;
        e.LineNumber.Should().Be(4);
        e.Reason.Should().Be("label 2 is outside [0, 2)");
    }

    [Fact]
    public void Invalid_options_and_missing_file_throw()
    {
        string path = DataFiles.Fixture("data_key_good.csv");
        ((Action)(() => PostReaders.ReadDataKeyCsv(path, new PostReaderOptions { NumClasses = -1 })))
            .Should().Throw<ArgumentOutOfRangeException>().WithMessage("*NumClasses*");
        ((Action)(() => PostReaders.ReadDataKeyCsv(path, new PostReaderOptions { ImageFileFormat = "x.jpg" })))
            .Should().Throw<ArgumentOutOfRangeException>().WithMessage("*ImageFileFormat*");
        ((Action)(() => PostReaders.ReadDataKeyCsv(path, new PostReaderOptions { MissingImagePolicy = (MissingImagePolicy)7 })))
            .Should().Throw<ArgumentOutOfRangeException>().WithMessage("*MissingImagePolicy*");
        ((Action)(() => PostReaders.ReadDataKeyCsv(DataFiles.Fixture("absent.csv"))))
            .Should().Throw<FileNotFoundException>();
    }

    [Fact]
    public void Extra_fields_merge_into_the_text_only_when_asked()
    {
        string path = DataFiles.Fixture("data_tir_raw.csv");
        var options = new PostReaderOptions { LabelColumn = "image_adds", MergeExtraFieldsIntoText = true, SplitColumn = "none" };
        var data = PostReaders.ReadDataKeyCsv(path, options);

        data.Posts.Should().Equal(
            new SocialMediaPost("900", "no comma here", 1),
            new SocialMediaPost("901", "one, unquoted, comma", 0),
            new SocialMediaPost("902", "quoted, fine", 1));

        var strict = () => PostReaders.ReadDataKeyCsv(path, new PostReaderOptions { LabelColumn = "image_adds" });
        strict.Should().Throw<MalformedRowException>().Which.Message.Should().Be($"{path}:3: expected 5 columns, found 7");
    }

    [Fact]
    public void Alternate_image_formats_are_tried_in_order()
    {
        string images = DataFiles.ImageFolder("101");
        File.WriteAllBytes(Path.Combine(images, "102.png"), []);
        File.WriteAllBytes(Path.Combine(images, "103.jpeg"), []);
        var options = new PostReaderOptions
        {
            ImageRoot = images,
            AlternateImageFileFormats = ["{0}.png", "{0}.jpeg"],
            MissingImagePolicy = MissingImagePolicy.TextOnly,
        };
        var data = PostReaders.ReadDataKeyCsv(DataFiles.Fixture("data_key_good.csv"), options);

        data.Posts.Select(p => p.ImagePath).Should().Equal(
            Path.Combine(images, "101.jpg"), Path.Combine(images, "102.png"), Path.Combine(images, "103.jpeg"), null);
        data.MissingImages.Should().Be(1);

        var bad = () => PostReaders.ReadDataKeyCsv(DataFiles.Fixture("data_key_good.csv"), new PostReaderOptions { AlternateImageFileFormats = ["x.png"] });
        bad.Should().Throw<ArgumentOutOfRangeException>().WithMessage("*AlternateImageFileFormats*");
    }
}

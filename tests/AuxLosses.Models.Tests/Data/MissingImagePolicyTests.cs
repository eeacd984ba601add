using System.IO;
using System.Linq;
using FluentAssertions;

namespace AuxLosses.Models.Tests.Data;

public class MissingImagePolicyTests
{
    private static readonly string Json = DataFiles.Fixture("clmlf_good.json");

    [Fact]
    public void Fail_names_the_missing_file()
    {
        string images = DataFiles.ImageFolder("7", "9");
        var act = () => PostReaders.ReadClmlfJson(Json, new PostReaderOptions { ImageRoot = images });

        var e = act.Should().Throw<FileNotFoundException>().Which;
        e.FileName.Should().Be(Path.Combine(images, "8.jpg"));
        e.Message.Should().Contain(Json + ":3").And.Contain("8.jpg");
    }

    [Fact]
    public void Skip_drops_and_counts_the_post()
    {
        string images = DataFiles.ImageFolder("7", "9");
        var data = PostReaders.ReadClmlfJson(Json, new PostReaderOptions { ImageRoot = images, MissingImagePolicy = MissingImagePolicy.Skip });

        data.Posts.Should().Equal(
            new SocialMediaPost("7", "hello", 0, Path.Combine(images, "7.jpg")),
            new SocialMediaPost("9", "multi", 1, Path.Combine(images, "9.jpg")));
        data.MissingImages.Should().Be(1);
        data.SkippedRows.Should().Equal(new SkippedRow(Json, 3, "missing image " + Path.Combine(images, "8.jpg")));
    }

    [Fact]
    public void Text_only_keeps_the_post_without_an_image_and_counts_it()
    {
        string images = DataFiles.ImageFolder("7");
        var data = PostReaders.ReadClmlfJson(Json, new PostReaderOptions { ImageRoot = images, MissingImagePolicy = MissingImagePolicy.TextOnly });

        data.Posts.Select(p => p.ImagePath).Should().Equal(Path.Combine(images, "7.jpg"), null, null);
        data.MissingImages.Should().Be(2);
        data.SkippedRows.Should().BeEmpty();
    }

    [Fact]
    public void Policies_apply_to_csv_and_hfm_readers_too()
    {
        string images = DataFiles.ImageFolder("101", "1001");
        var csv = PostReaders.ReadDataKeyCsv(DataFiles.Fixture("data_key_good.csv"),
            new PostReaderOptions { ImageRoot = images, MissingImagePolicy = MissingImagePolicy.Skip });
        csv.Posts.Select(p => p.Id).Should().Equal("101");
        csv.MissingImages.Should().Be(3);
        csv.SkippedRows.Select(r => r.LineNumber).Should().Equal(3, 4, 6);

        var hfm = PostReaders.ReadHfmRaw(DataFiles.Fixture("hfm_raw_good.txt"),
            new PostReaderOptions { ImageRoot = images, MissingImagePolicy = MissingImagePolicy.TextOnly });
        hfm.Posts.Should().HaveCount(4);
        hfm.MissingImages.Should().Be(3);
        hfm.Posts[0].ImagePath.Should().Be(Path.Combine(images, "1001.jpg"));
    }

    [Fact]
    public void Filtered_rows_are_not_counted_as_missing_images()
    {
        string images = DataFiles.ImageFolder();
        var hfm = PostReaders.ReadHfmRaw(DataFiles.Fixture("hfm_raw_good.txt"),
            new PostReaderOptions { ImageRoot = images, MissingImagePolicy = MissingImagePolicy.Skip });

        hfm.Posts.Should().BeEmpty();
        hfm.KeywordFiltered.Should().Be(2);
        hfm.MissingImages.Should().Be(4);
        hfm.SkippedRows.Should().HaveCount(6);
    }
}

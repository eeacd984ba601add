using System.Linq;
using AuxLosses.Reproduce.Cli;
using AuxLosses.Reproduce.Tasks;
using FluentAssertions;

namespace AuxLosses.Samples.Tests.Tasks;

public sealed class TaskTableTests
{
    [Fact]
    public void Tasks_match_config_py()
    {
        TaskTable.All.Select(t => (t.Id, t.Name, t.NumClasses, t.BatchSize)).Should().Equal(
            (0, "text_is_represented", 2, 8),
            (1, "image_adds", 2, 8),
            (2, "tir", 4, 8),
            (3, "mvsa", 3, 16),
            (4, "mhp", 4, 8),
            (5, "mic", 2, 16),
            (6, "msd", 2, 16));
        TaskTable.All.Select(t => t.DataFile).Should().Equal(
            "data_key_imgtxt_random.csv", "data_key_imgtxt_random.csv", "data_key_imgtxt_random.csv",
            "data_key_mvsa.csv", "data_key_mhp.csv", "data_key_mic.csv", "data_key_msd.csv");
        TaskTable.All.Select(t => string.Format(System.Globalization.CultureInfo.InvariantCulture, t.ImageFormat, "42")).Should().Equal(
            "text-image/T42.jpg", "text-image/T42.jpg", "text-image/T42.jpg", "MVSA-Single/data/42.jpg",
            "MHP/Data/Images/42.jpg", "MIC/spc_imgs_twitter/42_1.jpg", "MSD/dataset_image/42.jpg");
    }

    [Fact]
    public void Label_columns_ids_and_classes_follow_the_config_branches()
    {
        TaskTable.Get(0).LabelColumns.Should().Equal("text_is_represented");
        TaskTable.Get(1).LabelColumns.Should().Equal("image_adds");
        TaskTable.Get(2).LabelColumns.Should().Equal("image_adds_text_repr", "image_adds_text_notrepr", "image_notadds_text_repr", "image_notadds_text_notrepr");
        TaskTable.All.Skip(3).Select(t => string.Join(",", t.LabelColumns)).Should().OnlyContain(c => c == "label");
        TaskTable.All.Select(t => t.IdColumn).Should().Equal("tweet_id", "tweet_id", "tweet_id", "tweet_id", "tweet_id", "id", "tweet_id");
        TaskTable.Get(3).ClassNames.Should().Equal("neutral", "positive", "negative");
        TaskTable.Get(6).ClassNames.Should().Equal("not sarcastic", "sarcastic");
        TaskTable.Get(6).ExcludedIds.Should().BeEquivalentTo("715376758774575105", "687440182027497472", "918237307169378305");
        TaskTable.All.Select(t => t.UsesFailedIdsFile).Should().Equal(true, true, true, false, false, false, false);
    }

    [Theory]
    [InlineData(false, false, "")]
    [InlineData(true, false, "itc0.1")]
    [InlineData(false, true, "itm0.1")]
    [InlineData(true, true, "itc0.1itm0.1")]
    public void Loss_string_is_config_py_loss_str(bool itc, bool itm, string expected) =>
        RunNames.BuildLossString(itc, 0.1, itm, 0.1).Should().Be(expected);

    [Fact]
    public void File_names_are_the_repo_format_strings()
    {
        var o = new ReproduceOptions { TextModel = "bert", ImageModel = "vit", Fusion = "concat", Task = 3, UseItc = true, UseItm = true, ResultsDir = "res" };
        var names = new RunNames(o);

        names.Prefix.Should().Be("bert-vit-concat_task3_seed30_itc0.1itm0.1_");
        names.ValidationMetricsFile.Should().Be(System.IO.Path.Combine("res", "bert-vit-concat_task3_seed30_itc0.1itm0.1_metrics_val.csv"));
        names.TestMetricsFile.Should().EndWith("bert-vit-concat_task3_seed30_itc0.1itm0.1_metrics_test.csv");
        names.PredictionsFile.Should().EndWith("bert-vit-concat_task3_seed30_itc0.1itm0.1_preds.csv");
        names.ModelFile.Should().EndWith("bert-vit-concat_task3_seed30_itc0.1itm0.1_net.safetensors");

        // No auxiliary loss leaves loss_str empty: two underscores, exactly as "{}_{}_{}metrics".format(..., "", "").
        new RunNames(o with { UseItc = false, UseItm = false, Seed = 7, Fusion = "aspect-att", Task = 6 }).ValidationMetricsFile
            .Should().EndWith("bert-vit-aspect-att_task6_seed7__metrics_val.csv");
        new RunNames(o with { UseItm = false, BetaItc = 0.05, NSamples = 500, Testing = true }).ValidationMetricsFile
            .Should().Be(System.IO.Path.Combine("res", "testing", "bert-vit-concat_task3_seed30_itc0.05_N500_metrics_val.csv"));
        new RunNames(o with { Fusion = null, Mode = TrainingMode.SppScl, UseItc = false, UseItm = false }).Prefix
            .Should().Be("bert-vit-spp-scl_task3_seed30__");
    }

    [Theory]
    [InlineData(0.1, "0.1")]
    [InlineData(0.2, "0.2")]
    [InlineData(1.0, "1.0")]
    [InlineData(0.0, "0.0")]
    [InlineData(1e-5, "1e-05")]
    [InlineData(0.0001, "0.0001")]
    [InlineData(0.00025, "0.00025")]
    [InlineData(1.5e-7, "1.5e-07")]
    [InlineData(123.25, "123.25")]
    [InlineData(1e16, "1e+16")]
    [InlineData(-0.3, "-0.3")]
    [InlineData(0.30000000000000004, "0.30000000000000004")]
    [InlineData(0.8333333333333334, "0.8333333333333334")]
    public void Floats_print_as_python_str(double x, string expected) => PythonFloat.Format(x).Should().Be(expected);
}

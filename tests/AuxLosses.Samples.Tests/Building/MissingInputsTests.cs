using System;
using System.IO;
using AuxLosses.Reproduce;
using AuxLosses.Reproduce.Building;
using AuxLosses.Samples.Tests.Infrastructure;
using FluentAssertions;

namespace AuxLosses.Samples.Tests.Building;

public sealed class MissingInputsTests : IDisposable
{
    private const string Commit = "0123456789abcdef0123456789abcdef01234567";
    private readonly TinyWorld world = new();

    public void Dispose() => world.Dispose();

    private string[] Args(params string[] extra) =>
        [.. world.CommonFlags(), "--txt-model", "bert", "--img-model", "vit", "--fusion", "concat", "--task", "3", .. extra];

    [Fact]
    public void Missing_data_lists_the_data_key_file_and_image_folder_without_a_stack_trace()
    {
        var run = CliRun.Of(Args());

        run.ExitCode.Should().Be(ReproduceApp.Failure);
        run.Error.Should().Contain("Could not find the data of task 3 (mvsa)")
            .And.Contain(Path.Combine(world.DataDir, "data_key_mvsa.csv"))
            .And.Contain(Path.Combine(world.DataDir, "MVSA-Single", "data"))
            .And.Contain("--missing-images text-only")
            .And.NotContain("   at ");
        CliRun.Of(Args("--verbose")).Error.Should().Contain("   at ");
    }

    [Fact]
    public void Missing_clmlf_and_hfm_files_list_every_candidate()
    {
        var clmlf = CliRun.Of(Args("--format", "clmlf"));
        clmlf.ExitCode.Should().Be(ReproduceApp.Failure);
        foreach (var name in new[] { "train.json", "dev.json", "valid.json", "val.json", "test.json", "dataset_image" })
        {
            clmlf.Error.Should().Contain(Path.Combine(world.DataDir, name));
        }

        var hfm = CliRun.Of([.. world.CommonFlags(), "--txt-model", "bert", "--img-model", "vit", "--fusion", "gmu", "--task", "6", "--format", "hfm-raw", "--missing-images", "skip"]);
        hfm.ExitCode.Should().Be(ReproduceApp.Failure);
        foreach (var name in new[] { "train.txt", "valid2.txt", "valid.txt", "test2.txt", "test.txt" })
        {
            hfm.Error.Should().Contain(Path.Combine(world.DataDir, name));
        }

        hfm.Error.Should().NotContain("dataset_image", "with --missing-images skip the image folder is optional");
    }

    [Fact]
    public void Missing_images_under_fail_are_listed_with_the_policies_to_use()
    {
        world.WithMvsaData(8);
        File.Delete(Path.Combine(world.DataDir, "MVSA-Single", "data", "1003.jpg"));

        var run = CliRun.Of(Args());

        run.ExitCode.Should().Be(ReproduceApp.Failure);
        run.Error.Should().Contain("1 of 8 posts have no image file").And.Contain(Path.Combine(world.DataDir, "MVSA-Single", "data", "1003.jpg"))
            .And.Contain("--missing-images skip");
    }

    [Fact]
    public void Missing_text_weights_list_each_file_in_the_weights_dir_and_the_hf_cache()
    {
        world.WithMvsaData(8);

        var run = CliRun.Of(Args());

        run.ExitCode.Should().Be(ReproduceApp.Failure);
        var folder = Path.Combine(world.WeightsDir, "bert-base-uncased");
        var snapshot = Path.Combine(world.EmptyCache, "models--bert-base-uncased", "snapshots", "{commit of refs/main}");
        run.Error.Should().Contain("Could not find the text model 'bert-base-uncased' (config.json, model.safetensors, vocab.txt)");
        foreach (var file in new[] { "config.json", "model.safetensors", "vocab.txt" })
        {
            run.Error.Should().Contain(Path.Combine(folder, file)).And.Contain(Path.Combine(snapshot, file));
        }
    }

    [Fact]
    public void Missing_vit_and_roberta_files_name_their_ids()
    {
        world.WithMvsaData(8).WithTinyBert();

        var vit = CliRun.Of(Args());
        vit.Error.Should().Contain(Path.Combine(world.WeightsDir, "google", "vit-base-patch16-224-in21k", "model.safetensors"))
            .And.Contain(Path.Combine(world.EmptyCache, "models--google--vit-base-patch16-224-in21k", "snapshots"));

        var roberta = CliRun.Of([.. world.CommonFlags(), "--txt-model", "roberta", "--img-model", "vit", "--fusion", "concat", "--task", "3"]);
        roberta.ExitCode.Should().Be(ReproduceApp.Failure);
        roberta.Error.Should().Contain(Path.Combine(world.WeightsDir, "roberta-base", "vocab.json")).And.Contain(Path.Combine(world.WeightsDir, "roberta-base", "merges.txt"));
    }

    [Fact]
    public void Resnet_weights_are_found_in_the_id_folder_or_as_a_named_file_else_every_path_is_listed()
    {
        using var locator = new PretrainedLocator(world.WeightsDir, world.EmptyCache);
        var act = () => locator.FindWeightsFile("image model", "timm/resnet50.tv2_in1k", "resnet50");
        var e = act.Should().Throw<MissingInputsException>().Which;
        e.LookedFor.Should().Equal(
            Path.Combine(world.WeightsDir, "timm/resnet50.tv2_in1k", "model.safetensors"),
            Path.Combine(world.WeightsDir, "resnet50.safetensors"),
            Path.Combine(world.EmptyCache, "models--timm--resnet50.tv2_in1k", "snapshots", "{commit of refs/main}", "model.safetensors"));
        e.Message.Should().Contain("torchvision's .pth");

        var named = Path.Combine(world.WeightsDir, "resnet50.safetensors");
        File.WriteAllBytes(named, [0]);
        locator.FindWeightsFile("image model", "timm/resnet50.tv2_in1k", "resnet50").Should().Be(named);

        var inFolder = Path.Combine(world.WeightsDir, "timm", "resnet50.tv2_in1k", "model.safetensors");
        Directory.CreateDirectory(Path.GetDirectoryName(inFolder)!);
        File.WriteAllBytes(inFolder, [0]);
        locator.FindWeightsFile("image model", "timm/resnet50.tv2_in1k", "resnet50").Should().Be(inFolder);
    }

    [Fact]
    public void Hf_cache_snapshot_is_used_when_the_weights_dir_lacks_the_model()
    {
        var snapshot = Path.Combine(world.EmptyCache, "models--bert-base-uncased", "snapshots", Commit);
        Directory.CreateDirectory(snapshot);
        Directory.CreateDirectory(Path.Combine(world.EmptyCache, "models--bert-base-uncased", "refs"));
        File.WriteAllText(Path.Combine(world.EmptyCache, "models--bert-base-uncased", "refs", "main"), Commit);
        foreach (var file in new[] { "config.json", "model.safetensors", "vocab.txt" })
        {
            File.WriteAllText(Path.Combine(snapshot, file), "x");
        }

        using var locator = new PretrainedLocator(world.WeightsDir, world.EmptyCache);
        Path.GetFullPath(locator.FindFolder("text model", "bert-base-uncased", ["config.json", "model.safetensors", "vocab.txt"]))
            .Should().Be(Path.GetFullPath(snapshot));
    }

    [Fact]
    public void Pickle_only_text_model_gets_the_conversion_hint()
    {
        var folder = Path.Combine(world.WeightsDir, "bert-base-uncased");
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "config.json"), "{}");
        File.WriteAllText(Path.Combine(folder, "vocab.txt"), "[PAD]");
        File.WriteAllBytes(Path.Combine(folder, "pytorch_model.bin"), [0]);

        using var locator = new PretrainedLocator(world.WeightsDir, world.EmptyCache);
        var act = () => locator.FindFolder("text model", "bert-base-uncased", ["config.json", "model.safetensors", "vocab.txt"]);
        act.Should().Throw<MissingInputsException>().WithMessage("*pytorch_model.bin*safe_serialization=True*");
    }

    [Fact]
    public void Bertweet_fails_before_reading_data_with_the_library_explanation_and_a_suggestion()
    {
        var run = CliRun.Of([.. world.CommonFlags(), "--txt-model", "bertweet", "--img-model", "vit", "--fusion", "concat", "--task", "3"]);
        run.ExitCode.Should().Be(ReproduceApp.Failure);
        run.Error.Should().Contain("bertweet is not supported").And.Contain("fastBPE").And.Contain("--txt-model bernice").And.NotContain("data_key");

        // With BERTweet's files present the message is the library's own (RobertaTokenizer.FromFiles).
        var folder = Path.Combine(world.WeightsDir, "vinai", "bertweet-base");
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "vocab.txt"), "hello 5\n");
        File.WriteAllText(Path.Combine(folder, "bpe.codes"), "h e 5\n");
        var withFiles = CliRun.Of([.. world.CommonFlags(), "--txt-model", "bertweet", "--img-model", "vit", "--fusion", "concat", "--task", "3"]);
        withFiles.Error.Should().Contain(Path.Combine(folder, "vocab.txt")).And.Contain("is not a JSON vocabulary").And.Contain("--txt-model bernice");
    }
}

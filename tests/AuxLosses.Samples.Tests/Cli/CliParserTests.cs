using System.Linq;
using AuxLosses.Reproduce;
using AuxLosses.Reproduce.Cli;
using AuxLosses.Samples.Tests.Infrastructure;
using FluentAssertions;

namespace AuxLosses.Samples.Tests.Cli;

public sealed class CliParserTests
{
    private static readonly string[] Required = ["--txt-model", "bert", "--img-model", "vit", "--fusion", "concat", "--task", "3"];

    [Fact]
    public void Defaults_are_run_mm_late_py_argparse_defaults()
    {
        var o = CliParser.Parse(Required);

        o.BetaItc.Should().Be(0.1);
        o.BetaItm.Should().Be(0.1);
        o.Epochs.Should().Be(2);
        o.LearningRate.Should().Be(1e-5);
        o.WeightDecay.Should().Be(0.00025);
        o.Dropout.Should().Be(0.05);
        o.Seed.Should().Be(30);
        o.NSamples.Should().Be(-1);
        (o.UseItc, o.UseItm, o.Testing, o.SaveModel, o.SavePreds).Should().Be((false, false, false, false, false));
        o.Mode.Should().Be(TrainingMode.Late);
        o.Format.Should().Be(DataFormat.DataKey);
        o.MissingImages.Should().Be("fail");
        o.Device.Should().Be("cpu");
        o.ResultsDir.Should().Be("results/mm_late");
    }

    [Fact]
    public void Every_flag_sets_its_option()
    {
        var o = CliParser.Parse([
            "--txt-model", "roberta", "--img-model", "resnet152", "--fusion=aspect-att", "--use-itc", "--use-itm",
            "--beta-itc", "0.2", "--beta-itm=0.3", "--task", "6", "--epochs", "5", "--lr", "3e-5", "--weight-decay", "0.01",
            "--dropout", "0.2", "--seed", "-7", "--nsamples", "100", "--testing", "--save-model", "--save-preds",
            "--data-dir", "d", "--format", "clmlf", "--image-dir", "imgs", "--missing-images", "text-only", "--weights-dir", "w",
            "--hf-cache", "c", "--results-dir", "r", "--device", "cuda", "--checkpoint-dir", "ck", "--resume", "--metrics-log", "m.jsonl",
            "--verbose"]);

        o.Should().BeEquivalentTo(new ReproduceOptions
        {
            TextModel = "roberta",
            ImageModel = "resnet152",
            Fusion = "aspect-att",
            UseItc = true,
            UseItm = true,
            BetaItc = 0.2,
            BetaItm = 0.3,
            Task = 6,
            Epochs = 5,
            LearningRate = 3e-5,
            WeightDecay = 0.01,
            Dropout = 0.2,
            Seed = -7,
            NSamples = 100,
            Testing = true,
            SaveModel = true,
            SavePreds = true,
            DataDir = "d",
            Format = DataFormat.Clmlf,
            ImageDir = "imgs",
            MissingImages = "text-only",
            WeightsDir = "w",
            HfCache = "c",
            ResultsDir = "r",
            Device = "cuda",
            CheckpointDir = "ck",
            Resume = true,
            MetricsLog = "m.jsonl",
            Verbose = true,
        });

        var spp = CliParser.Parse(["--txt-model", "bert", "--img-model", "vit", "--task", "3", "--mode", "spp-scl", "--one-step"]);
        (spp.Mode, spp.OneStep, spp.Fusion).Should().Be((TrainingMode.SppScl, true, (string?)null));
        var common = CliParser.Parse(["--txt-model", "bernice", "--img-model", "resnet50", "--task", "1", "--mode", "common-space", "--format", "tir"]);
        (common.Mode, common.Format, common.TextModel).Should().Be((TrainingMode.CommonSpace, DataFormat.Tir, "bernice"));
        CliParser.Parse(["--txt-model", "bertweet", "--img-model", "vit", "--task", "6", "--fusion", "gmu", "--format", "hfm-raw"]).Format.Should().Be(DataFormat.HfmRaw);
        CliParser.Parse(["--help"]).Help.Should().BeTrue();
    }

    [Fact]
    public void Every_flag_is_in_the_usage_text()
    {
        var usage = CliParser.Usage();
        foreach (var flag in CliParser.Flags)
        {
            usage.Should().Contain(flag.Name);
        }

        usage.Should().Contain("bert|roberta|bertweet|bernice").And.Contain("concat|attention|gmu|aspect-att").And.Contain("fail|skip|text-only");
        CliParser.Flags.Select(f => f.Name).Should().OnlyHaveUniqueItems().And.HaveCount(32);
    }

    [Fact]
    public void Help_prints_usage_and_exits_0()
    {
        var run = CliRun.Of("--help");

        run.ExitCode.Should().Be(ReproduceApp.Success);
        run.Out.Should().Be(CliParser.Usage());
        CliRun.Of("-h").Out.Should().Be(CliParser.Usage());
    }

    [Theory]
    [InlineData("--txt-modle", "--txt-model")]
    [InlineData("--epoch", "--epochs")]
    [InlineData("--use_clip_loss", "--use-itc")]
    [InlineData("--use_tim_loss", "--use-itm")]
    [InlineData("--txt_model_name", "--txt-model")]
    [InlineData("--weight_decay", "--weight-decay")]
    [InlineData("--save_preds", "--save-preds")]
    public void Unknown_flag_names_it_and_suggests_the_closest(string flag, string suggestion)
    {
        var run = CliRun.Of([.. Required, flag]);

        run.ExitCode.Should().Be(ReproduceApp.UsageError);
        run.Error.Should().Contain($"unknown option '{flag}'; did you mean {suggestion}?");
    }

    [Fact]
    public void Unknown_flag_far_from_any_gets_no_suggestion()
    {
        CliRun.Of([.. Required, "--zzzzzzzzzzzzzzzzzzzzzz"]).Error.Should().Contain("unknown option '--zzzzzzzzzzzzzzzzzzzzzz' (see --help");
    }

    [Theory]
    [InlineData("--txt-model", "bart", "allowed values are bert, roberta, bertweet, bernice")]
    [InlineData("--img-model", "resnet18", "allowed values are resnet50, resnet152, vit")]
    [InlineData("--fusion", "xatt", "allowed values are concat, attention, gmu, aspect-att")]
    [InlineData("--task", "7", "allowed values are 0, 1, 2, 3, 4, 5, 6")]
    [InlineData("--format", "csv", "allowed values are data-key, clmlf, hfm-raw, tir")]
    [InlineData("--missing-images", "ignore", "allowed values are fail, skip, text-only")]
    [InlineData("--mode", "early", "allowed values are late, spp-scl, common-space")]
    [InlineData("--device", "gpu", "allowed values are cpu, cuda")]
    [InlineData("--epochs", "0", "expected an integer >= 1")]
    [InlineData("--epochs", "two", "expected an integer >= 1")]
    [InlineData("--lr", "-1e-5", "expected a number > 0")]
    [InlineData("--lr", "NaN", "expected a number > 0")]
    [InlineData("--weight-decay", "-0.1", "expected a number >= 0")]
    [InlineData("--dropout", "1", "expected a number in [0, 1)")]
    [InlineData("--beta-itc", "1.5", "expected a number in [0, 1]")]
    [InlineData("--beta-itm", "x", "expected a number in [0, 1]")]
    [InlineData("--seed", "1.5", "expected an integer")]
    [InlineData("--nsamples", "0", "expected -1 or an integer >= 1")]
    [InlineData("--nsamples", "-2", "expected -1 or an integer >= 1")]
    public void Bad_value_names_flag_value_and_what_is_allowed(string flag, string value, string allowed)
    {
        var args = Required.ToList();
        var at = args.IndexOf(flag);
        if (at >= 0)
        {
            args.RemoveRange(at, 2);
        }

        var run = CliRun.Of([.. args, flag, value]);

        run.ExitCode.Should().Be(ReproduceApp.UsageError);
        run.Error.Should().Contain($"invalid value '{value}' for {flag}: {allowed}");
    }

    [Theory]
    [InlineData(new[] { "--img-model", "vit", "--fusion", "concat", "--task", "3" }, "missing required option: --txt-model")]
    [InlineData(new[] { "--fusion", "concat" }, "missing required options: --txt-model, --img-model, --task")]
    [InlineData(new[] { "--txt-model", "bert", "--img-model", "vit", "--task", "3" }, "missing required option: --fusion")]
    [InlineData(new[] { "--txt-model", "bert", "--img-model", "vit", "--task", "3", "--fusion", "gmu", "--epochs" }, "--epochs needs a value")]
    [InlineData(new[] { "--txt-model", "bert", "--img-model", "vit", "--task", "3", "--fusion", "gmu", "--testing=yes" }, "--testing is a switch and takes no value")]
    [InlineData(new[] { "--txt-model", "bert", "--img-model", "vit", "--task", "3", "--fusion", "gmu", "--task", "4" }, "--task is given more than once")]
    [InlineData(new[] { "--txt-model", "bert", "--img-model", "vit", "--task", "3", "--fusion", "gmu", "stray" }, "unexpected argument 'stray'")]
    [InlineData(new[] { "--txt-model", "bert", "--img-model", "vit", "--task", "3", "--fusion", "gmu", "--one-step" }, "--one-step needs --mode spp-scl")]
    [InlineData(new[] { "--txt-model", "bert", "--img-model", "vit", "--task", "3", "--fusion", "gmu", "--resume" }, "--resume needs --checkpoint-dir")]
    [InlineData(new[] { "--txt-model", "bert", "--img-model", "vit", "--task", "3", "--mode", "spp-scl", "--use-itc" }, "--use-itc / --use-itm belong to --mode late")]
    [InlineData(new[] { "--txt-model", "bert", "--img-model", "vit", "--task", "3", "--mode", "common-space", "--fusion", "gmu" }, "--fusion applies to --mode late only")]
    [InlineData(new[] { "--txt-model", "bert", "--img-model", "vit", "--task", "3", "--fusion", "gmu", "--use-itc", "--use-itm", "--beta-itc", "0.6", "--beta-itm", "0.5" }, "must not exceed 1")]
    [InlineData(new[] { "--txt-model", "bert", "--img-model", "vit", "--task", "3", "--fusion", "gmu", "--format", "tir" }, "--format tir holds data for --task 0, 1 or 2, not --task 3")]
    [InlineData(new[] { "--txt-model", "bert", "--img-model", "vit", "--task", "3", "--fusion", "gmu", "--format", "hfm-raw" }, "--format hfm-raw holds data for --task 6")]
    [InlineData(new[] { "--txt-model", "bert", "--img-model", "vit", "--task", "4", "--fusion", "gmu", "--format", "clmlf" }, "--format clmlf holds data for --task 3 (sentiment: MVSA) or 6")]
    public void Incomplete_or_conflicting_command_lines_are_usage_errors(string[] args, string message)
    {
        var run = CliRun.Of(args);

        run.ExitCode.Should().Be(ReproduceApp.UsageError);
        run.Error.Should().Contain(message).And.Contain("--help");
        run.Out.Should().BeEmpty();
    }
}

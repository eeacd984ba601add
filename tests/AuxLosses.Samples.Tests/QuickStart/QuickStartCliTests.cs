using System;
using System.IO;
using AuxLosses.QuickStart;
using FluentAssertions;

namespace AuxLosses.Samples.Tests.QuickStart;

public sealed class QuickStartCliTests
{
    [Fact]
    public void Defaults_AreTheReadmeDemo()
    {
        var options = QuickStartCli.Parse([]);

        options.SeedCount.Should().Be(3);
        options.Objectives.Should().Equal(DemoObjective.CrossEntropy, DemoObjective.CrossEntropyItc, DemoObjective.CrossEntropyItm,
            DemoObjective.CrossEntropyItcItm, DemoObjective.SppScl);
        options.Settings.Should().Be(DemoSettings.Full);
        options.Settings.Epochs.Should().Be(12);
        options.Output.Should().Be("artifacts/quickstart");
        options.InProcess.Should().BeFalse();
    }

    [Fact]
    public void Quick_UsesTheSmallSettingsAndOneSeed_AndFlagsOverride()
    {
        QuickStartCli.Parse(["--quick"]).Should().Match<QuickStartOptions>(o => o.SeedCount == 1 && o.Settings == DemoSettings.Quick);

        var options = QuickStartCli.Parse(["--quick", "--seeds=2", "--epochs", "3", "--objectives", "spp-scl, ce", "--parallel", "1", "--output", "x"]);

        options.SeedCount.Should().Be(2);
        options.Settings.Epochs.Should().Be(3);
        options.Settings.TrainCount.Should().Be(DemoSettings.Quick.TrainCount);
        options.Objectives.Should().Equal(DemoObjective.SppScl, DemoObjective.CrossEntropy);
        options.Parallel.Should().Be(1);
        options.Output.Should().Be("x");
    }

    [Theory]
    [InlineData("--bogus", "Unknown option '--bogus'")]
    [InlineData("--seeds", "--seeds needs a value")]
    [InlineData("--seeds=0", "--seeds must be an integer in [1, 100], got '0'")]
    [InlineData("--epochs=two", "--epochs must be an integer")]
    [InlineData("--objectives=CE,MLM", "Unknown objective 'MLM'")]
    [InlineData("--objectives=CE,ce", "listed twice")]
    [InlineData("--output=", "--output must not be empty")]
    [InlineData("--child-seed=1", "go together")]
    public void BadFlags_ExitWith2_NamingTheProblem(string flag, string message)
    {
        var (output, error) = (new StringWriter(), new StringWriter());

        QuickStartApp.Run([flag], output, error).Should().Be(2);

        error.ToString().Should().Contain(message);
    }

    [Fact]
    public void Help_PrintsTheUsage()
    {
        var output = new StringWriter();

        QuickStartApp.Run(["--help"], output, new StringWriter()).Should().Be(0);

        output.ToString().Should().Contain("--quick").And.Contain("CE+ITC+ITM").And.Contain("SPP-SCL");
    }

    [Fact]
    public void Settings_AreValidated()
    {
        var act = () => (DemoSettings.Quick with { BatchSize = 1 }).Validate();

        act.Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("BatchSize");
    }
}

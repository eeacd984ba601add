using System;
using System.Linq;
using AuxLosses;
using FluentAssertions;
using TorchSharp;
using static TorchSharp.torch;

namespace AuxLosses.Tests.Docs;

/// <summary>Runs the example of docs/coming-from-pytorch.md and checks the behavioural differences it states.</summary>
public sealed class PyTorchIdiomsDocsExamples
{
    [Fact]
    public void Idioms_example_behaves_as_documented()
    {
        var (zeroed, noise, again, keys) = Idioms();
        zeroed.Should().BeTrue("TorchSharp's optimizer.zero_grad() zeroes gradients in place, it does not set them to null");
        noise.Should().Equal(again, "the same seed gives the same draws");
        keys.Should().BeEquivalentTo("head.weight", "head.bias");
    }

    [Fact]
    public void State_dict_keys_use_the_open_clip_names()
    {
        using var itc = new ImageTextContrastiveLoss();
        using var siglip = new SigmoidContrastiveLoss();
        using var fixedTemperature = new ImageTextContrastiveLoss(new ContrastiveLossOptions { LearnableTemperature = false });
        itc.state_dict().Keys.Should().Equal("logit_scale");
        siglip.state_dict().Keys.Should().BeEquivalentTo("logit_scale", "logit_bias");
        itc.parameters().Should().HaveCount(1);
        fixedTemperature.parameters().Should().BeEmpty("a fixed temperature is a buffer");
        fixedTemperature.state_dict().Keys.Should().Equal("logit_scale");
    }

    [Fact]
    public void Logit_scale_cap_is_applied_in_forward_without_touching_the_parameter()
    {
        using var scope = NewDisposeScope();
        using var itc = new ImageTextContrastiveLoss(new ContrastiveLossOptions { Temperature = 0.001 });   // exp(t) = 1000 > 100
        itc.LogitScale.Should().Be(100, "the scale used is min(exp(t), 100)");
        itc.forward(randn(4, 8), randn(4, 8)).backward();
        itc.LogScale.grad!.item<float>().Should().Be(0, "no gradient reaches t while the cap is active");
        Math.Exp(itc.LogScale.item<float>()).Should().BeApproximately(1000, 0.1, "the parameter itself is not clamped");
    }

    private static (bool Zeroed, float[] Noise, float[] Again, string[] Keys) Idioms()
    {
        // docs:begin pytorch-idioms
        var layer = nn.Linear(4, 2);
        var optimizer = optim.SGD(layer.parameters(), 0.1);
        using (NewDisposeScope())                                       // frees every tensor made inside at the end
        {
            layer.forward(ones(3, 4)).sum().backward();
            optimizer.step();
            optimizer.zero_grad();                                      // zeroes .grad in place (PyTorch ≥ 2.0: None)
        }
        var zeroed = layer.weight!.grad!.abs().sum().item<float>() == 0; // true: the gradient tensor still exists

        using var generator = new Generator(7);                         // torch.Generator().manual_seed(7)
        var noise = randn(new long[] { 3 }, generator: generator).data<float>().ToArray();
        generator.manual_seed(7);
        var again = randn(new long[] { 3 }, generator: generator).data<float>().ToArray();   // same values

        var keys = new ImageTextMatchingLoss(inputSize: 8).state_dict().Keys.ToArray();  // head.weight, head.bias
        // docs:end pytorch-idioms
        return (zeroed, noise, again, keys);
    }
}

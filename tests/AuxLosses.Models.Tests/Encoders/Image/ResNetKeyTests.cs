using System.Linq;
using FluentAssertions;
using TorchSharp;
using static TorchSharp.torch;

namespace AuxLosses.Models.Tests.Encoders.Image;

/// <summary>Every parameter and buffer key, shape and order of the full models against torchvision's state_dict.</summary>
public sealed class ResNetKeyTests
{
    [Theory]
    [InlineData(18)]
    [InlineData(34)]
    [InlineData(50)]
    [InlineData(101)]
    [InlineData(152)]
    public void State_dict_keys_and_shapes_equal_torchvision(int depth)
    {
        // 101 and 152 are built on the meta device: same modules and shapes, no 170-230 MB allocation and init.
        var options = depth > 50 ? new ResNetOptions { Device = torch.META } : null;
        using var model = ResNet.Create(depth, options);
        AssertSameState(model, $"resnet{depth}");
        model.parameters().Should().OnlyContain(p => p.device_type == (depth > 50 ? DeviceType.META : DeviceType.CPU));
    }

    [Theory]
    [InlineData(18)]
    [InlineData(50)]
    public void Headless_state_dict_equals_torchvision_with_fc_identity(int depth)
    {
        using var model = ResNet.Create(depth, new ResNetOptions { NumClasses = 0 });
        AssertSameState(model, $"resnet{depth}_headless");
        model.OutputSize.Should().Be(depth < 50 ? 512 : 2048);
    }

    [Fact]
    public void ResNeXt_and_wide_ResNet_state_dicts_equal_torchvision()
    {
        var meta = new ResNetOptions { Device = torch.META };
        using (var resnext = ResNet.ResNeXt50_32x4d(meta))
        {
            AssertSameState(resnext, "resnext50_32x4d");
            resnext.Options.Groups.Should().Be(32);
        }

        using var wide = ResNet.WideResNet50_2(meta);
        AssertSameState(wide, "wide_resnet50_2");
        wide.OutputSize.Should().Be(2048);
    }

    [Fact]
    public void Factories_build_the_documented_layouts()
    {
        using var r18 = ResNet.ResNet18(new ResNetOptions { NumClasses = 0 });
        r18.Layers.Should().Equal(2, 2, 2, 2);
        r18.BlockType.Should().Be(ResNetBlockType.Basic);
        var act = () => ResNet.Create(42);
        act.Should().Throw<System.ArgumentOutOfRangeException>().WithParameterName("depth");
    }

    private static void AssertSameState(ResNet model, string name)
    {
        var expected = ResNetFixture.Keys(name);
        var state = model.state_dict();
        state.Keys.Should().BeEquivalentTo(expected.Select(e => e.Key), "parameters and buffers must carry torchvision's names");
        foreach (var (key, shape) in expected)
        {
            state[key].shape.Should().Equal(shape, key);
            state[key].dtype.Should().Be(key.EndsWith("num_batches_tracked") ? ScalarType.Int64 : ScalarType.Float32, key);
        }

        var parameterKeys = model.named_parameters().Select(p => p.name).ToHashSet();
        var bufferKeys = model.named_buffers().Select(b => b.name).ToHashSet();
        parameterKeys.Should().OnlyContain(k => k.EndsWith(".weight") || k.EndsWith(".bias"));
        bufferKeys.Should().OnlyContain(k => k.EndsWith(".running_mean") || k.EndsWith(".running_var") || k.EndsWith(".num_batches_tracked"));
        (parameterKeys.Count + bufferKeys.Count).Should().Be(expected.Count);
    }
}

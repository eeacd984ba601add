using FluentAssertions;
using TorchSharp;
using static TorchSharp.torch;

namespace AuxLosses.Tests;

public sealed class BuildSmokeTests
{
    [Fact]
    public void Native_backend_loads_after_the_build_relaxed_the_shim()
    {
        using var a = ones(2, 3);
        a.sum().item<float>().Should().Be(6f);
    }
}

using System.Runtime.CompilerServices;
using TorchSharp;

namespace AuxLosses.Samples.Tests.Infrastructure;

internal static class TorchSetup
{
    /// <summary>Loads the CPU backend once, before any test touches TorchSharp.</summary>
    [ModuleInitializer]
    internal static void Initialize()
    {
        torch.InitializeDeviceType(DeviceType.CPU);
        torch.set_num_threads(2);
    }
}

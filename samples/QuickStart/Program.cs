using System;
using TorchSharp;

namespace AuxLosses.QuickStart;

internal static class Program
{
    public static int Main(string[] args)
    {
        torch.InitializeDeviceType(DeviceType.CPU);
        return QuickStartApp.Run(args, Console.Out, Console.Error);
    }
}

using System;
using TorchSharp;

namespace AuxLosses.Reproduce;

internal static class Program
{
    public static int Main(string[] args)
    {
        torch.InitializeDeviceType(DeviceType.CPU);
        return ReproduceApp.Run(args, Console.Out, Console.Error);
    }
}

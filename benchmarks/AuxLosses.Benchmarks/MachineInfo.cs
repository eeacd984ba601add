using System;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using AuxLosses.Benchmarks.Modes;

namespace AuxLosses.Benchmarks;

/// <summary>One line describing the machine a result was measured on.</summary>
internal static class MachineInfo
{
    public static string Describe()
    {
        var model = File.Exists("/proc/cpuinfo")
            ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim()
            : null;
        var ram = OperatingSystem.IsLinux() ? ProcessMemory.Total() / 1e9 : 0;
        var torchVersion = typeof(TorchSharp.torch).Assembly.GetName().Version;
        return string.Create(CultureInfo.InvariantCulture,
            $"Machine: {model ?? RuntimeInformation.ProcessArchitecture.ToString()}, {Environment.ProcessorCount} logical cores, {ram:F1} GB RAM, {RuntimeInformation.OSDescription}, .NET {Environment.Version}, TorchSharp {torchVersion} (CPU), torch threads {TorchRuntime.Threads}.");
    }
}

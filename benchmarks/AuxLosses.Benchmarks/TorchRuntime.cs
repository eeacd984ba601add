using System;
using System.Globalization;
using System.Threading;
using TorchSharp;
using static TorchSharp.torch;

namespace AuxLosses.Benchmarks;

/// <summary>One-time TorchSharp set-up shared by the benchmarks, the smoke run and the memory children.</summary>
internal static class TorchRuntime
{
    /// <summary>Environment variable that sets torch's intra-op thread count (default: all cores).</summary>
    public const string ThreadsVariable = "AUXLOSSES_BENCH_THREADS";

    private static int initialized;

    /// <summary>The intra-op thread count: <see cref="ThreadsVariable"/> when set to a positive integer, else all cores.</summary>
    public static int Threads =>
        int.TryParse(Environment.GetEnvironmentVariable(ThreadsVariable), NumberStyles.Integer, CultureInfo.InvariantCulture, out var threads) && threads > 0
            ? threads
            : Environment.ProcessorCount;

    /// <summary>Initializes the CPU backend and sets the thread count; safe to call from every GlobalSetup.</summary>
    public static void Initialize()
    {
        if (Interlocked.Exchange(ref initialized, 1) == 1)
        {
            return;
        }

        torch.InitializeDeviceType(DeviceType.CPU);
        torch.set_num_threads(Threads);
        torch.manual_seed(20240401);
    }
}

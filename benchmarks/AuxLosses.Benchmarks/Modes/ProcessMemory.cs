using System;
using System.Globalization;
using System.IO;
using System.Linq;

namespace AuxLosses.Benchmarks.Modes;

/// <summary>Linux process memory read from /proc: peak resident set (VmHWM) and available RAM.</summary>
internal static class ProcessMemory
{
    /// <summary>Peak resident set size of this process in bytes (VmHWM).</summary>
    public static long PeakResident() => Field("/proc/self/status", "VmHWM:");

    /// <summary>Current resident set size of this process in bytes (VmRSS).</summary>
    public static long Resident() => Field("/proc/self/status", "VmRSS:");

    /// <summary>RAM the kernel estimates is available for new allocations (MemAvailable), in bytes.</summary>
    public static long Available() => Field("/proc/meminfo", "MemAvailable:");

    /// <summary>Total RAM (MemTotal), in bytes.</summary>
    public static long Total() => Field("/proc/meminfo", "MemTotal:");

    /// <summary>Resets VmHWM to the current RSS (writing 5 to clear_refs); false where the kernel refuses.</summary>
    public static bool TryResetPeak()
    {
        try
        {
            File.WriteAllText("/proc/self/clear_refs", "5");
            return true;
        }
        catch (IOException)
        {
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static long Field(string file, string name)
    {
        var line = File.ReadLines(file).First(l => l.StartsWith(name, StringComparison.Ordinal));
        var kilobytes = line[name.Length..].Trim().Split(' ')[0];
        return long.Parse(kilobytes, CultureInfo.InvariantCulture) * 1024;
    }
}

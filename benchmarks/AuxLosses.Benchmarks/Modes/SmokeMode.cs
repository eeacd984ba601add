using System;
using System.Diagnostics;
using System.Linq;
using System.Reflection;
using BenchmarkDotNet.Attributes;

namespace AuxLosses.Benchmarks.Modes;

/// <summary>
/// Runs every [Benchmark] method of every suite once at tiny sizes (B = 32, D = 16), without BenchmarkDotNet, and
/// fails when a body throws or returns a non-finite value. Discovery is by reflection, so a new benchmark is covered
/// without touching this file.
/// </summary>
internal static class SmokeMode
{
    private const int SmokeBatch = 32;
    private const int SmokeDim = 16;

    public static int Run()
    {
        var clock = Stopwatch.StartNew();
        var failures = 0;
        var count = 0;
        foreach (var suite in Suites())
        {
            var instance = Activator.CreateInstance(suite)!;
            SetParameter(suite, instance, "B", SmokeBatch);
            SetParameter(suite, instance, "D", SmokeDim);
            Invoke<GlobalSetupAttribute>(suite, instance);
            try
            {
                foreach (var method in suite.GetMethods().Where(m => m.GetCustomAttribute<BenchmarkAttribute>() is not null))
                {
                    count++;
                    try
                    {
                        var value = Convert.ToDouble(method.Invoke(instance, null), System.Globalization.CultureInfo.InvariantCulture);
                        var ok = double.IsFinite(value);
                        failures += ok ? 0 : 1;
                        Console.WriteLine($"{(ok ? "ok  " : "FAIL")} {suite.Name}.{method.Name} -> {value}");
                    }
                    catch (TargetInvocationException e)
                    {
                        failures++;
                        Console.WriteLine($"FAIL {suite.Name}.{method.Name}: {e.InnerException}");
                    }
                }
            }
            finally
            {
                Invoke<GlobalCleanupAttribute>(suite, instance);
            }
        }

        Console.WriteLine($"smoke: {count - failures}/{count} benchmark bodies ok in {clock.Elapsed.TotalSeconds:F1} s");
        return failures == 0 && count > 0 ? 0 : 1;
    }

    internal static Type[] Suites() =>
        typeof(SmokeMode).Assembly.GetTypes()
            .Where(t => t.IsPublic && t.GetMethods().Any(m => m.GetCustomAttribute<BenchmarkAttribute>() is not null))
            .OrderBy(t => t.Name, StringComparer.Ordinal)
            .ToArray();

    private static void SetParameter(Type suite, object instance, string name, int value) =>
        suite.GetProperty(name)?.SetValue(instance, value);

    private static void Invoke<TAttribute>(Type suite, object instance)
        where TAttribute : Attribute
    {
        foreach (var method in suite.GetMethods().Where(m => m.GetCustomAttribute<TAttribute>() is not null))
        {
            method.Invoke(instance, null);
        }
    }
}

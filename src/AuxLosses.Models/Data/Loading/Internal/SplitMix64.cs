using System;

namespace AuxLosses.Models.Internal;

/// <summary>
/// Steele, Lea &amp; Flood's SplitMix64 (as in Java's <c>SplittableRandom</c> and Vigna's reference C code). Ours rather
/// than <see cref="Random"/> so that an epoch's order is fixed by this code alone, on every runtime version.
/// </summary>
internal struct SplitMix64
{
    private const ulong Gamma = 0x9E3779B97F4A7C15;
    private ulong _state;

    public SplitMix64(ulong seed) => _state = seed;

    /// <summary>A generator for the stream (seed, epoch): two rounds of the mixer keep neighbouring pairs apart.</summary>
    public static SplitMix64 ForStream(long seed, int epoch) => new(Mix(Mix((ulong)seed) + (ulong)epoch));

    public ulong Next()
    {
        _state += Gamma;
        return Mix(_state);
    }

    /// <summary>Uniform in [0, n), without modulo bias (Lemire 2019, multiply-shift with rejection).</summary>
    public int NextBelow(int n)
    {
        var range = (ulong)n;
        var high = Math.BigMul(Next(), range, out var low);
        if (low < range)
        {
            var threshold = (0UL - range) % range;
            while (low < threshold)
            {
                high = Math.BigMul(Next(), range, out low);
            }
        }

        return (int)high;
    }

    /// <summary>Fisher–Yates shuffle of 0..n-1: the order of epoch <paramref name="epoch"/> under <paramref name="seed"/>.</summary>
    public static int[] Permutation(int n, long seed, int epoch)
    {
        var order = new int[n];
        for (var i = 0; i < n; i++)
        {
            order[i] = i;
        }

        var rng = ForStream(seed, epoch);
        for (var i = n - 1; i > 0; i--)
        {
            var j = rng.NextBelow(i + 1);
            (order[i], order[j]) = (order[j], order[i]);
        }

        return order;
    }

    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EB;
        return z ^ (z >> 31);
    }
}

namespace AuxLosses.Models.Internal;

/// <summary>
/// Independent seeds for each post and purpose from one user seed (SplitMix64 finalizer), so a post's text and image
/// depend only on (seed, split, index) — not on the other splits' sizes or on the order posts are generated in.
/// </summary>
internal static class SeedMixer
{
    public static int Derive(int seed, int split, int index, int purpose)
    {
        var z = Mix((ulong)(uint)seed);
        z = Mix(z ^ (ulong)(uint)split);
        z = Mix(z ^ (ulong)(uint)index);
        z = Mix(z ^ (ulong)(uint)purpose);
        return (int)(z >> 33);
    }

    private static ulong Mix(ulong z)
    {
        z += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}

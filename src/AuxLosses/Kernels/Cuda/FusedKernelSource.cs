using System;
using System.IO;

namespace AuxLosses.Internal;

/// <summary>Which loss a fused kernel computes (the suffix of its entry points in FusedContrastive.cu).</summary>
internal enum FusedLossKind
{
    /// <summary>Symmetric InfoNCE / CLIP (row and column LSE, label-aware soft targets, smoothing).</summary>
    ImageText,

    /// <summary>Khosla supervised contrastive: diagonal-masked row LSE, label positives.</summary>
    SupCon,

    /// <summary>SigLIP: Σ softplus(−z·ℓ) with ℓ = s·x·y + b.</summary>
    Sigmoid,
}

/// <summary>Element type of the feature matrices the kernels read (accumulation is always fp32).</summary>
internal enum FusedElement
{
    Float32,
    BFloat16,
    Float16,
}

/// <summary>
/// The embedded CUDA C source and the tiling constants it is compiled with. The constants are injected as
/// <c>-D</c> definitions, and <see cref="FusedKernelEmulator"/> tiles with the very same values.
/// </summary>
internal static class FusedKernelSource
{
    /// <summary>Rows (and columns) of one logits tile a thread block owns.</summary>
    public const int Tile = 64;

    /// <summary>Depth of one shared-memory slice of X and Y in the tile product.</summary>
    public const int TileDepth = 16;

    /// <summary>Threads per tile edge: a block is TilePerDimension² threads, each owning (Tile/TilePerDimension)² logits.</summary>
    public const int ThreadsPerDimension = 16;

    /// <summary>Threads per block of the scalar FMA path.</summary>
    public const int ThreadsPerBlock = ThreadsPerDimension * ThreadsPerDimension;

    /// <summary>Threads per block of the tensor-core path: four warps, each owning 16 rows × 64 columns of a tile.</summary>
    public const int TensorCoreThreadsPerBlock = 128;

    /// <summary>Lowest compute capability (major·10 + minor) with the mma.sync shapes the tensor-core path uses.</summary>
    public const int TensorCoreMinimumArchitecture = 80;

    /// <summary>Manifest name of the embedded source.</summary>
    public const string ResourceName = "AuxLosses.Kernels.Cuda.FusedContrastive.cu";

    /// <summary>The four entry-point stems; each exists once per <see cref="FusedLossKind"/> (suffix itc, supcon, siglip).</summary>
    public static readonly string[] EntryPointStems = { "auxl_forward_", "auxl_finalize_", "auxl_loss_", "auxl_backward_" };

    private static readonly Lazy<string> Text = new(ReadSource);

    /// <summary>The CUDA C source text.</summary>
    public static string Source => Text.Value;

    /// <summary>The entry-point suffix of <paramref name="kind"/>.</summary>
    public static string Suffix(FusedLossKind kind) => kind switch
    {
        FusedLossKind.ImageText => "itc",
        FusedLossKind.SupCon => "supcon",
        _ => "siglip",
    };

    /// <summary>The -D definitions for <paramref name="element"/> (without the -D); <paramref name="tensorCores"/> selects the mma.sync path.</summary>
    public static string[] Defines(FusedElement element, bool tensorCores) => new[]
    {
        $"AUXL_TILE={Tile}",
        $"AUXL_TK={TileDepth}",
        $"AUXL_TPD={ThreadsPerDimension}",
        "AUXL_ELEMENT=" + element switch
        {
            FusedElement.BFloat16 => "auxl_bf16",
            FusedElement.Float16 => "auxl_f16",
            _ => "float",
        },
        "AUXL_MMA=" + (tensorCores ? "1" : "0"),
    };

    /// <summary>Threads per block of every kernel in a module compiled with <paramref name="tensorCores"/>.</summary>
    public static int Threads(bool tensorCores) => tensorCores ? TensorCoreThreadsPerBlock : ThreadsPerBlock;

    /// <summary>
    /// Whether the module for <paramref name="element"/> on compute capability <paramref name="arch"/> uses tensor
    /// cores: 16-bit inputs always do on sm_80+ (their products are exact in fp32); float inputs do only when TF32
    /// is allowed (<paramref name="allowTf32"/>), as with <c>torch.backends.cuda.matmul.allow_tf32</c>.
    /// </summary>
    public static bool UsesTensorCores(FusedElement element, int arch, bool allowTf32) =>
        arch >= TensorCoreMinimumArchitecture && (element != FusedElement.Float32 || allowTf32);

    /// <summary>Blocks along one edge of an <paramref name="extent"/>-long dimension.</summary>
    public static int Blocks(int extent) => (extent + Tile - 1) / Tile;

    /// <summary>
    /// Column splits of the forward grid: enough row-block × split blocks to fill about two waves of the GPU's
    /// multiprocessors, never more splits than column tiles.
    /// </summary>
    public static int Splits(int rows, int columns, int multiprocessors) =>
        Math.Clamp((2 * multiprocessors + Blocks(rows) - 1) / Blocks(rows), 1, Blocks(columns));

    /// <summary>Floats of the forward row partials [5][splits][M].</summary>
    public static long RowPartFloats(int rows, int splits) => 5L * splits * rows;

    /// <summary>Floats of the forward column partials [2][rowBlocks][N].</summary>
    public static long ColumnPartFloats(int rows, int columns) => 2L * Blocks(rows) * columns;

    /// <summary>Floats of the merged statistics [4·M + N].</summary>
    public static long StatsFloats(int rows, int columns) => 4L * rows + columns;

    private static string ReadSource()
    {
        using var stream = typeof(FusedKernelSource).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"Embedded resource {ResourceName} is missing from {typeof(FusedKernelSource).Assembly.GetName().Name}.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}

using System;

namespace AuxLosses.Internal;

/// <summary>
/// Scalar C# replica of FusedContrastive.cu for CPU tests: the same TILE-row blocks, strided column splits,
/// per-tile masked statistics merged with the same online max-shifted LSE, the same partial layouts, finalize and
/// fp64 loss reduction, and the same per-tile recompute backward. It runs the kernels' logic without a GPU; only
/// the order of float additions inside a tile differs (threads vs. loops).
/// </summary>
/// <remarks>
/// It models the math of both kernel paths with exact fp32 products and fp32 accumulation, i.e. the FMA path
/// (AUXL_MMA=0). The tensor-core path (AUXL_MMA=1) uses the same 64 × 64 tiles, masks, merges and layouts, but
/// rounds its operands to TF32 (float inputs) or keeps them in BF16/F16, rounds dS to that operand type for the
/// backward products, applies dS's common factor (g/M, or SupCon's c·g/A) after them, and merges column statistics
/// per warp before merging the four warps: none of that rounding is emulated here (the GPU check measures it).
/// </remarks>
internal static class FusedKernelEmulator
{
    private const int Tile = FusedKernelSource.Tile;
    private const float Empty = -3.402823466e38f;

    /// <summary>Forward result: loss, the statistics buffer [4M + N] and out [2] (loss, SupCon anchors).</summary>
    public static (double Loss, float[] Stats, float[] Out) Forward(FusedLossSpec spec, float[] x, float[] y, long[] rowLabels, long[] columnLabels, int rows, int columns, int depth, float scale, float bias, int splits)
    {
        var rowBlocks = FusedKernelSource.Blocks(rows);
        var colBlocks = FusedKernelSource.Blocks(columns);
        var rowPart = new float[FusedKernelSource.RowPartFloats(rows, splits)];
        var colPart = new float[Math.Max(1, FusedKernelSource.ColumnPartFloats(rows, columns))];
        var stats = new float[FusedKernelSource.StatsFloats(rows, columns)];
        var output = new float[2];
        if (spec.Kind != FusedLossKind.Sigmoid)
        {
            bias = 0f;
        }

        for (var rb = 0; rb < rowBlocks; rb++)
        {
            for (var split = 0; split < splits; split++)
            {
                // One thread block (rb, split): running row statistics across its column tiles.
                var runM = Filled(Tile, Empty);
                var runL = new float[Tile];
                var posSum = new float[Tile];
                var posCnt = new float[Tile];
                var allSum = new float[Tile];
                var r0 = rb * Tile;
                for (var cb = split; cb < colBlocks; cb += splits)
                {
                    var c0 = cb * Tile;
                    var s = TileLogits(x, y, rows, columns, depth, r0, c0, scale, bias);
                    var valid = TileValid(spec, rows, columns, r0, c0);
                    for (var lr = 0; lr < Tile; lr++)
                    {
                        var tileMax = Empty;
                        for (var lc = 0; lc < Tile; lc++)
                        {
                            if (!valid[lr, lc])
                            {
                                continue;
                            }

                            var pos = rowLabels[r0 + lr] == columnLabels[c0 + lc];
                            if (spec.Kind == FusedLossKind.Sigmoid)
                            {
                                posSum[lr] += NegLogSigmoid(pos ? s[lr, lc] : -s[lr, lc]);
                            }
                            else
                            {
                                tileMax = Math.Max(tileMax, s[lr, lc]);
                                if (pos)
                                {
                                    posSum[lr] += s[lr, lc];
                                    posCnt[lr] += 1f;
                                }

                                allSum[lr] += s[lr, lc];
                            }
                        }

                        if (spec.Kind != FusedLossKind.Sigmoid)
                        {
                            var tileSum = 0f;
                            for (var lc = 0; lc < Tile; lc++)
                            {
                                if (valid[lr, lc])
                                {
                                    tileSum += MathF.Exp(s[lr, lc] - tileMax);
                                }
                            }

                            Merge(ref runM[lr], ref runL[lr], tileMax, tileSum);
                        }
                    }

                    if (spec.Kind == FusedLossKind.ImageText)
                    {
                        for (var lc = 0; lc < Tile && c0 + lc < columns; lc++)
                        {
                            float m = Empty, l = 0f;
                            for (var lr = 0; lr < Tile; lr++)
                            {
                                if (valid[lr, lc])
                                {
                                    m = Math.Max(m, s[lr, lc]);
                                }
                            }

                            for (var lr = 0; lr < Tile; lr++)
                            {
                                if (valid[lr, lc])
                                {
                                    l += MathF.Exp(s[lr, lc] - m);
                                }
                            }

                            colPart[((0L * rowBlocks) + rb) * columns + c0 + lc] = m;
                            colPart[((1L * rowBlocks) + rb) * columns + c0 + lc] = l;
                        }
                    }
                }

                for (var lr = 0; lr < Tile && r0 + lr < rows; lr++)
                {
                    var r = r0 + lr;
                    rowPart[((0L * splits) + split) * rows + r] = runM[lr];
                    rowPart[((1L * splits) + split) * rows + r] = runL[lr];
                    rowPart[((2L * splits) + split) * rows + r] = posSum[lr];
                    rowPart[((3L * splits) + split) * rows + r] = posCnt[lr];
                    rowPart[((4L * splits) + split) * rows + r] = allSum[lr];
                }
            }
        }

        Finalize(spec, rowPart, colPart, rows, columns, splits, rowBlocks, stats);
        Loss(spec, stats, rows, columns, output);
        return (output[0], stats, output);
    }

    /// <summary>Backward: dX [M·D], dY [N·D] (fp32, as the kernel's atomics), ds and db (fp64).</summary>
    public static (float[] Dx, float[] Dy, double DScale, double DBias) Backward(FusedLossSpec spec, float[] x, float[] y, long[] rowLabels, long[] columnLabels, int rows, int columns, int depth, float scale, float bias, float[] stats, float[] output, float upstream)
    {
        var dx = new float[rows * depth];
        var dy = new float[columns * depth];
        double ds = 0, db = 0;
        if (spec.Kind != FusedLossKind.Sigmoid)
        {
            bias = 0f;
        }

        var anchors = Math.Max(output[1], 1f);
        for (var rb = 0; rb < FusedKernelSource.Blocks(rows); rb++)
        {
            for (var cb = 0; cb < FusedKernelSource.Blocks(columns); cb++)
            {
                var (r0, c0) = (rb * Tile, cb * Tile);
                var s = TileLogits(x, y, rows, columns, depth, r0, c0, 1f, 0f);
                var valid = TileValid(spec, rows, columns, r0, c0);
                var dS = new float[Tile, Tile];
                float localDs = 0f, localDb = 0f;
                for (var lr = 0; lr < Tile; lr++)
                {
                    for (var lc = 0; lc < Tile; lc++)
                    {
                        var d = 0f;
                        if (valid[lr, lc])
                        {
                            var (r, c) = (r0 + lr, c0 + lc);
                            var pos = rowLabels[r] == columnLabels[c];
                            var logit = MathF.FusedMultiplyAdd(scale, s[lr, lc], bias);
                            switch (spec.Kind)
                            {
                                case FusedLossKind.ImageText:
                                    var n = Math.Max(stats[(2 * rows) + r], 1f);
                                    var q = (pos ? (1f - spec.Smoothing) / n : 0f) + (spec.Smoothing / columns);
                                    d = (spec.RowWeight / rows * (MathF.Exp(logit - stats[r]) - q)) + (spec.ColumnWeight / rows * (MathF.Exp(logit - stats[(4 * rows) + c]) - q));
                                    break;
                                case FusedLossKind.SupCon:
                                    var count = stats[(2 * rows) + r];
                                    if (count > 0f)
                                    {
                                        d = -spec.Coefficient / anchors * ((pos ? 1f / count : 0f) - MathF.Exp(logit - stats[r]));
                                    }

                                    break;
                                default:
                                    var z = pos ? 1f : -1f;
                                    d = -z / (1f + MathF.Exp(z * logit)) / rows;
                                    break;
                            }

                            d *= upstream;
                        }

                        dS[lr, lc] = d;
                        localDs += d * s[lr, lc];
                        localDb += d;
                    }
                }

                for (var lr = 0; lr < Tile && r0 + lr < rows; lr++)
                {
                    for (var dd = 0; dd < depth; dd++)
                    {
                        var o = 0f;
                        for (var k = 0; k < Tile && c0 + k < columns; k++)
                        {
                            o = MathF.FusedMultiplyAdd(dS[lr, k], y[((c0 + k) * depth) + dd], o);
                        }

                        dx[((r0 + lr) * depth) + dd] += scale * o;
                    }
                }

                for (var lc = 0; lc < Tile && c0 + lc < columns; lc++)
                {
                    for (var dd = 0; dd < depth; dd++)
                    {
                        var o = 0f;
                        for (var k = 0; k < Tile && r0 + k < rows; k++)
                        {
                            o = MathF.FusedMultiplyAdd(dS[k, lc], x[((r0 + k) * depth) + dd], o);
                        }

                        dy[((c0 + lc) * depth) + dd] += scale * o;
                    }
                }

                ds += localDs;
                db += localDb;
            }
        }

        return (dx, dy, ds, db);
    }

    private static void Finalize(FusedLossSpec spec, float[] rowPart, float[] colPart, int rows, int columns, int splits, int rowBlocks, float[] stats)
    {
        for (var t = 0; t < rows; t++)
        {
            float m = Empty, l = 0f, ps = 0f, pc = 0f, sum = 0f;
            for (var sp = 0; sp < splits; sp++)
            {
                Merge(ref m, ref l, rowPart[((0L * splits) + sp) * rows + t], rowPart[((1L * splits) + sp) * rows + t]);
                ps += rowPart[((2L * splits) + sp) * rows + t];
                pc += rowPart[((3L * splits) + sp) * rows + t];
                sum += rowPart[((4L * splits) + sp) * rows + t];
            }

            stats[t] = l > 0f ? m + MathF.Log(l) : float.NegativeInfinity;
            stats[rows + t] = ps;
            stats[(2 * rows) + t] = pc;
            stats[(3 * rows) + t] = sum;
        }

        if (spec.Kind == FusedLossKind.ImageText)
        {
            for (var t = 0; t < columns; t++)
            {
                float m = Empty, l = 0f;
                for (var rb = 0; rb < rowBlocks; rb++)
                {
                    Merge(ref m, ref l, colPart[((0L * rowBlocks) + rb) * columns + t], colPart[((1L * rowBlocks) + rb) * columns + t]);
                }

                stats[(4 * rows) + t] = l > 0f ? m + MathF.Log(l) : float.NegativeInfinity;
            }
        }
    }

    private static void Loss(FusedLossSpec spec, float[] stats, int rows, int columns, float[] output)
    {
        double lseSum = 0, colSum = 0, target = 0, anchors = 0;
        for (var i = 0; i < rows; i++)
        {
            double lse = stats[i], ps = stats[rows + i], pc = stats[(2 * rows) + i], sum = stats[(3 * rows) + i];
            switch (spec.Kind)
            {
                case FusedLossKind.ImageText:
                    lseSum += lse;
                    target += ((1.0 - spec.Smoothing) * ps / Math.Max(pc, 1.0)) + (spec.Smoothing / (double)columns * sum);
                    break;
                case FusedLossKind.SupCon:
                    if (pc > 0)
                    {
                        target += (ps / pc) - lse;
                        anchors += 1;
                    }

                    break;
                default:
                    target += ps;
                    break;
            }
        }

        if (spec.Kind == FusedLossKind.ImageText)
        {
            for (var j = 0; j < columns; j++)
            {
                colSum += stats[(4 * rows) + j];
            }
        }

        var loss = spec.Kind switch
        {
            FusedLossKind.ImageText => (spec.RowWeight / (double)rows * (lseSum - target)) + (spec.ColumnWeight / (double)rows * (colSum - target)),
            FusedLossKind.SupCon => -spec.Coefficient * target / Math.Max(anchors, 1.0),
            _ => target / rows,
        };
        output[0] = (float)loss;
        output[1] = (float)anchors;
    }

    /// <summary>The [Tile, Tile] block of s·X·Yᵀ + b (zero outside the matrix), accumulated in fp32 over D.</summary>
    private static float[,] TileLogits(float[] x, float[] y, int rows, int columns, int depth, int r0, int c0, float scale, float bias)
    {
        var s = new float[Tile, Tile];
        for (var lr = 0; lr < Tile; lr++)
        {
            for (var lc = 0; lc < Tile; lc++)
            {
                var acc = 0f;
                if (r0 + lr < rows && c0 + lc < columns)
                {
                    for (var k = 0; k < depth; k++)
                    {
                        acc = MathF.FusedMultiplyAdd(x[((r0 + lr) * depth) + k], y[((c0 + lc) * depth) + k], acc);
                    }
                }

                s[lr, lc] = MathF.FusedMultiplyAdd(scale, acc, bias);
            }
        }

        return s;
    }

    private static bool[,] TileValid(FusedLossSpec spec, int rows, int columns, int r0, int c0)
    {
        var valid = new bool[Tile, Tile];
        for (var lr = 0; lr < Tile; lr++)
        {
            for (var lc = 0; lc < Tile; lc++)
            {
                var (r, c) = (r0 + lr, c0 + lc);
                valid[lr, lc] = r < rows && c < columns && !(spec.MaskDiagonal && r == c);
            }
        }

        return valid;
    }

    /// <summary>The kernels' auxl_merge: online max-shifted LSE merge; l = 0 marks an empty set.</summary>
    internal static void Merge(ref float m, ref float l, float m2, float l2)
    {
        if (l2 <= 0f)
        {
            return;
        }

        if (l <= 0f)
        {
            (m, l) = (m2, l2);
            return;
        }

        var mn = Math.Max(m, m2);
        l = (l * MathF.Exp(m - mn)) + (l2 * MathF.Exp(m2 - mn));
        m = mn;
    }

    private static float NegLogSigmoid(float v) => Math.Max(-v, 0f) + MathF.Log(1f + MathF.Exp(-Math.Abs(v)));

    private static float[] Filled(int n, float value)
    {
        var a = new float[n];
        Array.Fill(a, value);
        return a;
    }
}

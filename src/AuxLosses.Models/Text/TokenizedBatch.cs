using System;
using System.Collections.Generic;
using static TorchSharp.torch;

namespace AuxLosses.Models;

/// <summary>
/// A padded batch of encoded texts: <c>input_ids</c>, <c>attention_mask</c> and <c>token_type_ids</c>, each [N, L]
/// int64, as arrays and as CPU tensors. The tensors are created on first access, owned by this batch (no caller
/// dispose scope frees them) and disposed with it.
/// </summary>
public sealed class TokenizedBatch : IDisposable
{
    private readonly long[,] _inputIds;
    private readonly long[,] _attentionMask;
    private readonly long[,] _tokenTypeIds;
    private readonly int[] _lengths;
    private Tensor? _inputIdsTensor;
    private Tensor? _attentionMaskTensor;
    private Tensor? _tokenTypeIdsTensor;
    private bool _disposed;

    internal TokenizedBatch(long[,] inputIds, long[,] attentionMask, long[,] tokenTypeIds, int[] lengths)
    {
        _inputIds = inputIds;
        _attentionMask = attentionMask;
        _tokenTypeIds = tokenTypeIds;
        _lengths = lengths;
    }

    /// <summary>Number of rows N.</summary>
    public int BatchSize => _inputIds.GetLength(0);

    /// <summary>Padded row length L.</summary>
    public int SequenceLength => _inputIds.GetLength(1);

    /// <summary>Number of real (non-padding) tokens in each row, special tokens included.</summary>
    public IReadOnlyList<int> Lengths => _lengths;

    /// <summary>Token id at (<paramref name="row"/>, <paramref name="position"/>).</summary>
    public long InputIdAt(int row, int position) => _inputIds[row, position];

    /// <summary>1 for a real token, 0 for padding, at (<paramref name="row"/>, <paramref name="position"/>).</summary>
    public long AttentionMaskAt(int row, int position) => _attentionMask[row, position];

    /// <summary>Segment (0 first, 1 second for BERT pairs) at (<paramref name="row"/>, <paramref name="position"/>).</summary>
    public long TokenTypeIdAt(int row, int position) => _tokenTypeIds[row, position];

    /// <summary>The ids of one row, padding included.</summary>
    public long[] GetInputIds(int row) => Row(_inputIds, row);

    /// <summary>The attention mask of one row.</summary>
    public long[] GetAttentionMask(int row) => Row(_attentionMask, row);

    /// <summary>The token types of one row.</summary>
    public long[] GetTokenTypeIds(int row) => Row(_tokenTypeIds, row);

    /// <summary><c>input_ids</c>: [N, L] int64 on the CPU.</summary>
    public Tensor InputIds => _inputIdsTensor ??= Create(_inputIds);

    /// <summary><c>attention_mask</c>: [N, L] int64, 1 for real tokens and 0 for padding.</summary>
    public Tensor AttentionMask => _attentionMaskTensor ??= Create(_attentionMask);

    /// <summary><c>token_type_ids</c>: [N, L] int64 (segment ids; all zero for single texts and for RoBERTa).</summary>
    public Tensor TokenTypeIds => _tokenTypeIdsTensor ??= Create(_tokenTypeIds);

    /// <summary>Disposes the tensors this batch created.</summary>
    public void Dispose()
    {
        _disposed = true;
        _inputIdsTensor?.Dispose();
        _attentionMaskTensor?.Dispose();
        _tokenTypeIdsTensor?.Dispose();
        _inputIdsTensor = _attentionMaskTensor = _tokenTypeIdsTensor = null;
    }

    private Tensor Create(long[,] values)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        // Owned by the batch: a dispose scope open at first access must not free it under the caller.
        return tensor(values, dtype: ScalarType.Int64).DetachFromDisposeScope();
    }

    private static long[] Row(long[,] values, int row)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(row);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(row, values.GetLength(0));
        var result = new long[values.GetLength(1)];
        for (var j = 0; j < result.Length; j++)
        {
            result[j] = values[row, j];
        }

        return result;
    }
}

using System;
using FluentAssertions;
using static TorchSharp.torch;

namespace AuxLosses.Models.Tests.Encoders.Text;

public sealed class BertInputValidationTests : IDisposable
{
    private static readonly int[] Int32Ids = [2, 3];
    private static readonly int[] Int32Types = [0, 1];
    private readonly BertModel _bert = BertFixture.TinyModel();
    private readonly BertModel _roberta = BertFixture.TinyModel("roberta");

    public void Dispose()
    {
        _bert.Dispose();
        _roberta.Dispose();
    }

    [Fact]
    public void Int32_ids_are_rejected() => Throws(_bert, tensor(Int32Ids).unsqueeze(0), null, null, "inputIds", "int64");

    [Fact]
    public void Rank_one_ids_are_rejected() => Throws(_bert, tensor(new long[] { 2, 3 }), null, null, "inputIds", "[N, L]");

    [Fact]
    public void Empty_batch_is_rejected() => Throws(_bert, zeros(0, 3, dtype: ScalarType.Int64), null, null, "inputIds", "non-empty");

    [Fact]
    public void Too_long_bert_input_is_rejected() => Throws(_bert, ones(1, 17, dtype: ScalarType.Int64), null, null, "inputIds", "16");

    [Fact]
    public void Roberta_length_limit_accounts_for_the_position_offset()
    {
        // 16 position rows, padding id 1: positions 2..15 leave room for 14 tokens.
        using var scope = NewDisposeScope();
        var fits = full(1, 14, 5L, dtype: ScalarType.Int64);
        _roberta.Encode(fits, ones_like(fits)).LastHiddenState.shape.Should().Equal(1, 14, 32);
        Throws(_roberta, full(1, 15, 5L, dtype: ScalarType.Int64), null, null, "inputIds", "14");
    }

    [Fact]
    public void Ids_outside_the_vocabulary_are_rejected()
    {
        Throws(_bert, tensor(new long[] { 2, 100 }).unsqueeze(0), null, null, "inputIds", "vocab_size = 100");
        Throws(_bert, tensor(new long[] { -1, 3 }).unsqueeze(0), null, null, "inputIds", "[-1, 3]");
    }

    [Fact]
    public void Mask_of_another_shape_is_rejected() =>
        Throws(_bert, tensor(new long[] { 2, 3 }).unsqueeze(0), ones(1, 3, dtype: ScalarType.Int64), null, "attentionMask", "[1, 2]");

    [Fact]
    public void Mask_values_other_than_zero_and_one_are_rejected() =>
        Throws(_bert, tensor(new long[] { 2, 3 }).unsqueeze(0), tensor(new long[] { 1, 2 }).unsqueeze(0), null, "attentionMask", "0 and 1");

    [Fact]
    public void Token_types_out_of_range_or_wrong_dtype_are_rejected()
    {
        var ids = tensor(new long[] { 2, 3 }).unsqueeze(0);
        Throws(_bert, ids, null, tensor(new long[] { 0, 2 }).unsqueeze(0), "tokenTypeIds", "type_vocab_size = 2");
        Throws(_roberta, ids, null, tensor(new long[] { 0, 1 }).unsqueeze(0), "tokenTypeIds", "type_vocab_size = 1");
        Throws(_bert, ids, null, tensor(Int32Types).unsqueeze(0), "tokenTypeIds", "int64");
        Throws(_bert, ids, null, tensor(new long[] { 0, 1, 1 }).unsqueeze(0), "tokenTypeIds", "[1, 3]");
    }

    [Fact]
    public void Null_arguments_throw_ArgumentNullException()
    {
        var act = () => _bert.Encode(null!, ones(1, 2, dtype: ScalarType.Int64));
        act.Should().Throw<ArgumentNullException>().WithParameterName("inputIds");
    }

    private static void Throws(BertModel model, Tensor ids, Tensor? mask, Tensor? types, string argument, string fragment)
    {
        using var scope = NewDisposeScope();
        mask ??= ones(ids.shape, dtype: ScalarType.Int64);
        var act = () => model.Encode(ids, mask, types);
        act.Should().Throw<ArgumentException>().Where(e => e.ParamName == argument).Which.Message.Should().Contain(fragment);
    }
}

using System;
using System.Linq;
using AuxLosses.Tests.Infrastructure;
using FluentAssertions;
using TorchSharp;
using static TorchSharp.torch;

namespace AuxLosses.Models.Tests.Encoders.Text;

public sealed class BertModelTests
{
    [Theory]
    [InlineData("bert")]
    [InlineData("roberta")]
    public void Padding_does_not_change_the_real_tokens(string modelType)
    {
        // With the extended mask (and RoBERTa's pad-skipping positions) a padded row must equal the row alone.
        using var model = BertFixture.TinyModel(modelType);
        using var scope = NewDisposeScope();
        var pad = model.Config.PadTokenId;
        var alone = tensor(new long[] { 5, 17, 42, 9 }).unsqueeze(0);
        var padded = tensor(new long[] { 5, 17, 42, 9, pad, pad, 5, 17, 42, 9, 60, 61 }).view(2, 6);
        var mask = tensor(new long[] { 1, 1, 1, 1, 0, 0, 1, 1, 1, 1, 1, 1 }).view(2, 6);

        var single = model.Encode(alone, ones_like(alone));
        var batch = model.Encode(padded, mask);

        var diff = batch.LastHiddenState[0, TensorIndex.Slice(0, 4)].sub(single.LastHiddenState[0]).abs().max().item<float>();
        diff.Should().BeLessThan(1e-5f);
        batch.Pooled![0].sub(single.Pooled![0]).abs().max().item<float>().Should().BeLessThan(1e-5f);
        // The padding keys really are masked: changing the padded ids changes nothing for the real tokens.
        var otherPad = model.Encode(tensor(new long[] { 5, 17, 42, 9, 77, 78, 5, 17, 42, 9, 60, 61 }).view(2, 6), mask);
        otherPad.LastHiddenState[0, TensorIndex.Slice(0, 4)].sub(single.LastHiddenState[0]).abs().max().item<float>()
            .Should().BeLessThan(1e-5f);
    }

    [Fact]
    public void Outputs_have_documented_shapes_and_hidden_state_count()
    {
        using var model = BertFixture.TinyModel();
        using var scope = NewDisposeScope();
        var ids = randint(1, 100, [3, 5], dtype: ScalarType.Int64);
        var result = model.Encode(ids, ones_like(ids), zeros_like(ids));
        result.LastHiddenState.shape.Should().Equal(3, 5, 32);
        result.Pooled!.shape.Should().Equal(3, 32);
        result.HiddenStates.Should().HaveCount(model.NumLayers + 1);
        result.HiddenStates.Should().OnlyContain(s => s.shape.SequenceEqual(new long[] { 3, 5, 32 }));
        ReferenceEquals(result.HiddenStates[^1], result.LastHiddenState).Should().BeTrue();
        model.HiddenSize.Should().Be(32);
        ((ITextEncoder)model).HiddenSize.Should().Be(32);
    }

    [Fact]
    public void Bool_and_float_masks_equal_int64_masks()
    {
        using var model = BertFixture.TinyModel();
        using var scope = NewDisposeScope();
        var ids = tensor(new long[] { 2, 7, 9, 0, 2, 8, 0, 0 }).view(2, 4);
        var mask = ids.ne(0).to(ScalarType.Int64);
        var reference = model.Encode(ids, mask).LastHiddenState;
        model.Encode(ids, mask.to(ScalarType.Bool)).LastHiddenState.allclose(reference).Should().BeTrue();
        model.Encode(ids, mask.to(ScalarType.Float32)).LastHiddenState.allclose(reference).Should().BeTrue();
    }

    [Fact]
    public void Token_types_change_bert_output()
    {
        using var model = BertFixture.TinyModel();
        using var scope = NewDisposeScope();
        var ids = tensor(new long[] { 2, 7, 9, 3 }).unsqueeze(0);
        var a = model.Encode(ids, ones_like(ids)).LastHiddenState;
        var b = model.Encode(ids, ones_like(ids), ones_like(ids)).LastHiddenState;
        a.sub(b).abs().max().item<float>().Should().BeGreaterThan(1e-3f);
        model.Encode(ids, ones_like(ids), zeros_like(ids)).LastHiddenState.allclose(a).Should().BeTrue();
    }

    [Fact]
    public void Dropout_is_active_in_training_and_off_in_eval()
    {
        using var model = new BertModel(new BertConfig
        {
            VocabSize = 100,
            HiddenSize = 32,
            NumHiddenLayers = 2,
            NumAttentionHeads = 4,
            IntermediateSize = 37,
            MaxPositionEmbeddings = 16,
            HiddenDropoutProb = 0.5,
        });
        using var scope = NewDisposeScope();
        var ids = tensor(new long[] { 2, 7, 9, 3 }).unsqueeze(0);
        model.train();
        var a = model.Encode(ids, ones_like(ids)).LastHiddenState;
        var b = model.Encode(ids, ones_like(ids)).LastHiddenState;
        a.allclose(b).Should().BeFalse();
        model.eval();
        model.Encode(ids, ones_like(ids)).LastHiddenState.allclose(model.Encode(ids, ones_like(ids)).LastHiddenState).Should().BeTrue();
    }

    [Fact]
    public void Initialisation_is_deterministic_with_a_generator_and_follows_hf_scheme()
    {
        using var a = BertFixture.TinyModel(seed: 5);
        using var b = BertFixture.TinyModel(seed: 5);
        var sa = a.state_dict();
        var sb = b.state_dict();
        sa.Keys.Where(k => !sa[k].eq(sb[k]).all().item<bool>()).Should().BeEmpty();
        sa["embeddings.word_embeddings.weight"][0].abs().sum().item<float>().Should().Be(0f, "the padding row starts at zero");
        sa["embeddings.LayerNorm.weight"].eq(1).all().item<bool>().Should().BeTrue();
        sa["encoder.layer.0.attention.self.query.bias"].eq(0).all().item<bool>().Should().BeTrue();
        var std = sa["encoder.layer.0.intermediate.dense.weight"].std().item<float>();
        std.Should().BeApproximately(0.5f, 0.05f);
    }

    [Fact]
    public void Model_built_inside_a_dispose_scope_survives_it()
    {
        BertModel model;
        using (NewDisposeScope())
        {
            model = BertFixture.TinyModel();
        }

        using (model)
        {
            using var scope = NewDisposeScope();
            var ids = tensor(new long[] { 2, 7 }).unsqueeze(0);
            model.Encode(ids, ones_like(ids)).LastHiddenState.isfinite().all().item<bool>().Should().BeTrue();
        }
    }

    [Fact]
    public void Gradients_reach_every_parameter()
    {
        using var model = BertFixture.TinyModel();
        model.train();
        using var scope = NewDisposeScope();
        var ids = tensor(new long[] { 2, 7, 9, 0 }).unsqueeze(0);
        var result = model.Encode(ids, tensor(new long[] { 1, 1, 1, 0 }).unsqueeze(0), tensor(new long[] { 0, 0, 1, 1 }).unsqueeze(0));
        result.Pooled!.sum().add(result.LastHiddenState.pow(2).sum()).backward();
        model.named_parameters().Where(p => p.parameter.grad is null).Select(p => p.name).Should().BeEmpty("every parameter takes part in the forward pass");
        model.state_dict()["embeddings.word_embeddings.weight"].grad!.select(0, 0).abs().sum().item<float>()
            .Should().Be(0f, "padding_idx rows get no gradient");
    }

    [Fact]
    public void Repeated_forward_and_backward_steps_do_not_leak_tensors()
    {
        using var model = BertFixture.TinyModel();
        model.train();
        var ids = tensor(new long[] { 2, 7, 9, 3, 2, 8, 0, 0 }).view(2, 4);
        var mask = ids.ne(0);
        void Step()
        {
            using var scope = NewDisposeScope();
            model.zero_grad();
            var result = model.Encode(ids, mask);
            result.Pooled!.sum().add(result.HiddenStates.Select(h => h.mean()).Aggregate((x, y) => x.add(y))).backward();
        }

        LeakCheck.AssertFlat(Step);
        ids.Dispose();
        mask.Dispose();
    }
}

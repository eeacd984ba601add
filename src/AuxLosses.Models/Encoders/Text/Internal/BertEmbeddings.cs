using AuxLosses.Internal;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace AuxLosses.Models.Internal;

/// <summary>HF <c>BertEmbeddings</c> / <c>RobertaEmbeddings</c>: word + token type + absolute position, LayerNorm, dropout.</summary>
internal sealed class BertEmbeddings : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly Embedding word_embeddings;
    private readonly Embedding position_embeddings;
    private readonly Embedding token_type_embeddings;
    private readonly LayerNorm LayerNorm;
    private readonly Dropout dropout;
    private readonly bool _roberta;
    private readonly long _padTokenId;

    public BertEmbeddings(BertConfig config, Device? device)
        : base(nameof(BertEmbeddings))
    {
        _roberta = config.IsRobertaFamily;
        _padTokenId = config.PadTokenId;
        word_embeddings = nn.Embedding(config.VocabSize, config.HiddenSize, padding_idx: config.PadTokenId, device: device);
        // RoBERTa gives its position table a padding row too (position padding_idx is where pad tokens land).
        position_embeddings = nn.Embedding(config.MaxPositionEmbeddings, config.HiddenSize, padding_idx: _roberta ? config.PadTokenId : null, device: device);
        token_type_embeddings = nn.Embedding(config.TypeVocabSize, config.HiddenSize, device: device);
        LayerNorm = nn.LayerNorm(config.HiddenSize, eps: config.LayerNormEps, device: device);
        dropout = nn.Dropout(config.HiddenDropoutProb);
        RegisterComponents();
    }

    public override Tensor forward(Tensor inputIds, Tensor tokenTypeIds)
    {
        using var scope = NewDisposeScope();
        Tensor positions;
        if (_roberta)
        {
            // create_position_ids_from_input_ids: real tokens count 1, 2, … from padding_idx + 1; pads stay at padding_idx.
            using var padTokenId = _padTokenId.ToScalar();
            var real = inputIds.ne(padTokenId).to(ScalarType.Int64);
            positions = cumsum(real, 1).mul(real).add(padTokenId, Scalars.One);
        }
        else
        {
            positions = Scalars.Arange(inputIds.shape[1], ScalarType.Int64, inputIds.device).unsqueeze(0).expand(inputIds.shape);
        }

        var embeddings = word_embeddings.forward(inputIds)
            .add(token_type_embeddings.forward(tokenTypeIds), Scalars.One)
            .add(position_embeddings.forward(positions), Scalars.One);
        return scope.MoveToOuter(dropout.forward(LayerNorm.forward(embeddings)));
    }
}

// A package consumer's smoke test: tokenizes four posts with a tiny WordPiece vocabulary, encodes them with a tiny
// BERT (AuxLosses.Models), projects random "images", and trains both encoders for a few steps with ITC + ITM with hard
// negatives (AuxLosses). Exits 0 when tokenization is as expected and the losses are finite and the ITC loss falls.
using System.Reflection;
using System.Text;
using AuxLosses;
using AuxLosses.Models;
using TorchSharp;
using static TorchSharp.torch;

try
{
    // Loads libLibTorchSharp.so: on hosts with an older libstdc++ this works only because the AuxLosses package's
    // buildTransitive targets relaxed the shim's GLIBCXX_3.4.32 need in this program's output folder.
    torch.InitializeDeviceType(DeviceType.CPU);
    torch.manual_seed(7);
    var generator = new Generator(7);

    string[] vocab =
    [
        "[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]",
        "best", "day", "ever", "so", "tired", "of", "this", "rain", "cat", "dog", "##s", "!", "@", "user",
    ];
    using var vocabStream = new MemoryStream(Encoding.UTF8.GetBytes(string.Join('\n', vocab) + "\n"));
    var tokenizer = BertTokenizer.FromVocabStream(vocabStream, new TextTokenizerOptions { MaxLength = 16 });
    string[] posts = ["Best day ever!", "so tired of this rain", "Cats and dogs", "this dog!"];
    using var tokens = tokenizer.Encode(posts);
    for (var row = 0; row < posts.Length; row++)
    {
        var ids = tokens.GetInputIds(row).Take(tokens.Lengths[row]).Select(id => vocab[id]);
        Console.WriteLine($"tokens[{row}] = {string.Join(' ', ids)}");
    }

    // "Cats and dogs": uncased, "##s" continuation, an out-of-vocabulary word.
    string[] expected = ["[CLS]", "cat", "##s", "[UNK]", "dog", "##s", "[SEP]"];
    var actual = tokens.GetInputIds(2).Take(tokens.Lengths[2]).Select(id => vocab[id]).ToArray();
    if (!actual.SequenceEqual(expected))
    {
        return Fail($"tokenizer gave [{string.Join(' ', actual)}], expected [{string.Join(' ', expected)}]");
    }

    var text = new BertModel(new BertConfig
    {
        VocabSize = vocab.Length,
        HiddenSize = 32,
        NumHiddenLayers = 2,
        NumAttentionHeads = 4,
        IntermediateSize = 64,
        MaxPositionEmbeddings = 32,
        HiddenDropoutProb = 0,
        AttentionProbsDropoutProb = 0,
    }, generator: generator);
    var image = nn.Sequential(nn.Flatten(), nn.Linear(3 * 8 * 8, 32));
    var itc = new ImageTextContrastiveLoss();
    var itm = new ImageTextMatchingLoss(inputSize: 64, samplerOptions: new NegativeSamplerOptions { Strategy = NegativeSamplingStrategy.Hard });
    var optimizer = optim.AdamW(
        text.parameters().Concat(image.parameters()).Concat(itc.parameters()).Concat(itm.parameters()), lr: 1e-3);

    using var pixels = randn([posts.Length, 3, 8, 8], generator: generator);
    static Tensor Fuse(Tensor imageRows, Tensor textRows) => cat([imageRows, textRows], 1);

    var itcLosses = new List<double>();
    for (var step = 0; step < 15; step++)
    {
        using var scope = NewDisposeScope();
        var textEmbedding = text.forward(tokens.InputIds, tokens.AttentionMask, null).Pooled!;
        var imageEmbedding = image.forward(pixels);
        var itcLoss = itc.forward(imageEmbedding, textEmbedding);

        // Hard negatives are drawn in proportion to the image→text similarity, as ALBEF does.
        var similarity = nn.functional.normalize(imageEmbedding, dim: 1).mm(nn.functional.normalize(textEmbedding, dim: 1).t());
        using var matching = itm.forward(new LateFusionPairEncoder(imageEmbedding, textEmbedding, Fuse), similarity, generator: generator);
        var loss = itcLoss + matching.Loss;

        optimizer.zero_grad();
        loss.backward();
        optimizer.step();

        var (itcValue, itmValue) = (itcLoss.item<float>(), matching.Loss.item<float>());
        if (!float.IsFinite(itcValue) || !float.IsFinite(itmValue))
        {
            return Fail($"step {step}: non-finite loss (itc={itcValue}, itm={itmValue})");
        }

        itcLosses.Add(itcValue);
        if (step % 5 == 0 || step == 14)
        {
            Console.WriteLine($"step {step,2}: itc={itcValue:F4} itm={itmValue:F4} itm_acc={matching.Accuracy.item<float>():F2}");
        }
    }

    if (!(itcLosses[^1] < itcLosses[0]))
    {
        return Fail($"ITC loss did not fall: {itcLosses[0]:F4} -> {itcLosses[^1]:F4}");
    }

    Console.WriteLine($"OK: AuxLosses {Version(typeof(ImageTextContrastiveLoss))}, AuxLosses.Models {Version(typeof(BertModel))}, TorchSharp {Version(typeof(torch))}; ITC {itcLosses[0]:F4} -> {itcLosses[^1]:F4}");
    return 0;
}
catch (Exception e)
{
    return Fail(e.ToString());
}

static string? Version(Type type) =>
    type.Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;

static int Fail(string message)
{
    Console.Error.WriteLine($"consumer: FAILED: {message}");
    return 1;
}

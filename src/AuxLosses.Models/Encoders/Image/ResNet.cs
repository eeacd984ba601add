using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using AuxLosses.Models.Internal;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace AuxLosses.Models;

/// <summary>
/// ResNet (He et al., "Deep Residual Learning for Image Recognition", CVPR 2016) as torchvision builds it, with
/// torchvision's state-dict key names so its checkpoints (and timm's <c>resnet*</c> ones, which use the same
/// names) load unchanged:
/// <code>
/// x → conv1(7×7, /2) → bn1 → relu → maxpool(3×3, /2) → layer1 … layer4 → feature map [N, C, h, w]
/// pooled = mean over h, w                      [N, C]        (C = 512 for 18/34, 2048 for 50/101/152)
/// logits = fc(pooled)                          [N, classes]  (only when NumClasses &gt; 0)
/// block k of a stage: y = relu(F(x) + shortcut(x)), shortcut = downsample.0 (1×1 conv) → downsample.1 (BN)
/// when the stride or width changes, else identity
/// </code>
/// Keys: <c>conv1.weight</c>, <c>bn1.{weight,bias,running_mean,running_var,num_batches_tracked}</c>,
/// <c>layer{1-4}.{i}.conv{1,2[,3]}.weight</c>, <c>layer{1-4}.{i}.bn{1,2[,3]}.*</c>,
/// <c>layer{s}.0.downsample.{0,1}.*</c>, <c>fc.{weight,bias}</c>. Bottleneck blocks put the stride on the 3×3
/// convolution ("ResNet v1.5", torchvision and timm). The defaults reproduce torchvision's <c>resnetNN()</c>
/// including its initialisation (Kaiming-normal fan-out convolutions, BN weight 1 and bias 0).
/// timm's plain <c>resnetNN</c> checkpoints (e.g. <c>resnet50.a1_in1k</c>) have exactly these keys (its <c>act1</c>,
/// <c>global_pool</c> and friends hold no state). ResNeXt and wide ResNets (torchvision's <c>resnext*</c>,
/// <c>wide_resnet*</c>) are the same network with a grouped or widened 3×3 (<see cref="ResNetOptions.Groups"/>,
/// <see cref="ResNetOptions.WidthPerGroup"/>). timm's deep-stem/average-down variants (<c>resnet50d</c>) use another
/// layout and are not supported.
/// </summary>
/// <example>
/// <code>
/// using var resnet = ResNet.FromPretrained("resnet50.safetensors", new ResNetOptions { NumClasses = 0 });
/// resnet.eval();
/// var features = resnet.Encode(pixels); // Pooled [N, 2048], Tokens [N, 49, 2048] at 224×224, FeatureMap [N, 2048, 7, 7]
/// </code>
/// </example>
public sealed class ResNet : nn.Module<Tensor, Tensor>, IImageEncoder
{
    private readonly Conv2d conv1;
    private readonly KeptAliveBatchNorm2d bn1;
    private readonly MaxPool2d maxpool;
    private readonly Sequential layer1;
    private readonly Sequential layer2;
    private readonly Sequential layer3;
    private readonly Sequential layer4;
    private readonly Linear? fc;
    private readonly int[] _layers;

    /// <summary>Builds a ResNet with <paramref name="layers"/>[s] blocks of type <paramref name="block"/> in stage s.</summary>
    /// <param name="block">Basic (ResNet-18/34) or bottleneck (ResNet-50/101/152) blocks.</param>
    /// <param name="layers">Blocks per stage; exactly four positive counts (ResNet-50: 3, 4, 6, 3).</param>
    /// <param name="options">Head, widths and batch-norm options; null for torchvision's defaults.</param>
    /// <exception cref="ArgumentOutOfRangeException">An option or a block count is out of range (the message names it).</exception>
    public ResNet(ResNetBlockType block, IReadOnlyList<int> layers, ResNetOptions? options = null)
        : base(nameof(ResNet))
    {
        ArgumentNullException.ThrowIfNull(layers);
        options ??= new ResNetOptions();
        Validate(block, layers, options);
        BlockType = block;
        Options = options;
        _layers = [.. layers];
        var expansion = block == ResNetBlockType.Bottleneck ? ResNetBottleneck.Expansion : 1;
        var device = options.Device;
        OutputSize = options.Widths[3] * expansion;

        conv1 = nn.Conv2d(options.InChannels, options.StemWidth, kernel_size: 7, stride: 2, padding: 3, bias: false, device: device);
        bn1 = new KeptAliveBatchNorm2d(options.StemWidth, device: device);
        maxpool = nn.MaxPool2d(kernel_size: 3, stride: 2, padding: 1);
        var inPlanes = options.StemWidth;
        layer1 = MakeLayer(block, ref inPlanes, options.Widths[0], layers[0], stride: 1, options);
        layer2 = MakeLayer(block, ref inPlanes, options.Widths[1], layers[1], stride: 2, options);
        layer3 = MakeLayer(block, ref inPlanes, options.Widths[2], layers[2], stride: 2, options);
        layer4 = MakeLayer(block, ref inPlanes, options.Widths[3], layers[3], stride: 2, options);
        fc = options.NumClasses > 0 ? nn.Linear(OutputSize, options.NumClasses, device: device) : null;
        RegisterComponents();
        Initialize(options);

        // The model must outlive any dispose scope open while it is built.
        foreach (var parameter in parameters())
        {
            parameter.DetachFromDisposeScope();
        }

        foreach (var buffer in buffers())
        {
            buffer.DetachFromDisposeScope();
        }

        if (options.FrozenBatchNorm)
        {
            train(training);
        }
    }

    /// <summary>The residual block type.</summary>
    public ResNetBlockType BlockType { get; }

    /// <summary>Blocks per stage.</summary>
    public IReadOnlyList<int> Layers => _layers;

    /// <summary>The options the model was built with.</summary>
    public ResNetOptions Options { get; }

    /// <summary>Channels of the last feature map and of the pooled vector (512 for ResNet-18/34, 2048 for 50/101/152).</summary>
    public long OutputSize { get; }

    /// <summary>Classes of the <c>fc</c> head, or 0 when the model has none and <see cref="forward"/> returns the pooled vector.</summary>
    public long NumClasses => Options.NumClasses;

    /// <summary>torchvision's <c>resnet18</c>: basic blocks, 2-2-2-2.</summary>
    public static ResNet ResNet18(ResNetOptions? options = null) => new(ResNetBlockType.Basic, [2, 2, 2, 2], options);

    /// <summary>torchvision's <c>resnet34</c>: basic blocks, 3-4-6-3.</summary>
    public static ResNet ResNet34(ResNetOptions? options = null) => new(ResNetBlockType.Basic, [3, 4, 6, 3], options);

    /// <summary>torchvision's <c>resnet50</c>: bottleneck blocks, 3-4-6-3.</summary>
    public static ResNet ResNet50(ResNetOptions? options = null) => new(ResNetBlockType.Bottleneck, [3, 4, 6, 3], options);

    /// <summary>torchvision's <c>resnet101</c>: bottleneck blocks, 3-4-23-3.</summary>
    public static ResNet ResNet101(ResNetOptions? options = null) => new(ResNetBlockType.Bottleneck, [3, 4, 23, 3], options);

    /// <summary>torchvision's <c>resnet152</c>: bottleneck blocks, 3-8-36-3.</summary>
    public static ResNet ResNet152(ResNetOptions? options = null) => new(ResNetBlockType.Bottleneck, [3, 8, 36, 3], options);

    /// <summary>torchvision's <c>resnext50_32x4d</c>: bottleneck blocks 3-4-6-3, 32 groups of 4 channels.</summary>
    /// <remarks>The Groups and WidthPerGroup of <paramref name="options"/> are replaced.</remarks>
    public static ResNet ResNeXt50_32x4d(ResNetOptions? options = null) => new(ResNetBlockType.Bottleneck, [3, 4, 6, 3], Grouped(options, 32, 4));

    /// <summary>torchvision's <c>resnext101_32x8d</c>: bottleneck blocks 3-4-23-3, 32 groups of 8 channels.</summary>
    /// <remarks>The Groups and WidthPerGroup of <paramref name="options"/> are replaced.</remarks>
    public static ResNet ResNeXt101_32x8d(ResNetOptions? options = null) => new(ResNetBlockType.Bottleneck, [3, 4, 23, 3], Grouped(options, 32, 8));

    /// <summary>torchvision's <c>wide_resnet50_2</c>: bottleneck blocks 3-4-6-3 with twice the inner width.</summary>
    /// <remarks>The Groups and WidthPerGroup of <paramref name="options"/> are replaced.</remarks>
    public static ResNet WideResNet50_2(ResNetOptions? options = null) => new(ResNetBlockType.Bottleneck, [3, 4, 6, 3], Grouped(options, 1, 128));

    /// <summary>torchvision's <c>wide_resnet101_2</c>: bottleneck blocks 3-4-23-3 with twice the inner width.</summary>
    /// <remarks>The Groups and WidthPerGroup of <paramref name="options"/> are replaced.</remarks>
    public static ResNet WideResNet101_2(ResNetOptions? options = null) => new(ResNetBlockType.Bottleneck, [3, 4, 23, 3], Grouped(options, 1, 128));

    /// <summary>The standard ResNet of the given depth (18, 34, 50, 101 or 152).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="depth"/> is not one of those.</exception>
    public static ResNet Create(int depth, ResNetOptions? options = null) => depth switch
    {
        18 => ResNet18(options),
        34 => ResNet34(options),
        50 => ResNet50(options),
        101 => ResNet101(options),
        152 => ResNet152(options),
        _ => throw new ArgumentOutOfRangeException(nameof(depth), depth, "ResNet depth must be 18, 34, 50, 101 or 152."),
    };

    /// <summary>
    /// Builds a ResNet whose architecture (block type, blocks per stage, stem and stage widths, input channels) is
    /// read from the checkpoint's shapes and loads it (safetensors or TorchSharp format, torchvision/timm key
    /// names, optionally prefixed by <c>module.</c> or <c>model.</c>). The head follows
    /// <paramref name="options"/>.<see cref="ResNetOptions.NumClasses"/> when options are given, else the checkpoint:
    /// with 0 the checkpoint's <c>fc.*</c> is ignored; with a class count other than the checkpoint's a fresh,
    /// randomly initialised head is kept (both are listed in the report, not errors).
    /// </summary>
    /// <param name="path">The weights file.</param>
    /// <param name="options">Head and batch-norm options; their widths and input channels are replaced by the checkpoint's.</param>
    /// <param name="loadOptions">Key mapping and strictness (default strict: anything else missing, unexpected or mismatched throws).</param>
    /// <exception cref="WeightLoadException">Strict loading found problems; the report lists every key.</exception>
    /// <exception cref="InvalidDataException">The file holds no ResNet (no <c>conv1.weight</c> or no <c>layer1.0.conv1.weight</c>).</exception>
    public static ResNet FromPretrained(string path, ResNetOptions? options = null, WeightLoadOptions? loadOptions = null) =>
        FromPretrained(path, options, loadOptions, out _);

    /// <summary>As <see cref="FromPretrained(string, ResNetOptions?, WeightLoadOptions?)"/>, also returning the load report.</summary>
    public static ResNet FromPretrained(string path, ResNetOptions? options, WeightLoadOptions? loadOptions, out WeightLoadReport report)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var weights = WeightLoader.ReadFile(path);
        try
        {
            loadOptions ??= new WeightLoadOptions();
            var (block, layers, architecture, checkpointClasses) = Infer(weights, loadOptions, path);
            var numClasses = options?.NumClasses ?? checkpointClasses;
            var resolved = new ResNetOptions
            {
                NumClasses = numClasses,
                InChannels = architecture.InChannels,
                StemWidth = architecture.StemWidth,
                Widths = architecture.Widths,
                Groups = architecture.Groups,
                WidthPerGroup = architecture.WidthPerGroup,
                ZeroInitResidual = options?.ZeroInitResidual ?? false,
                FrozenBatchNorm = options?.FrozenBatchNorm ?? false,
                Device = options?.Device,
            };
            var model = new ResNet(block, layers, resolved);
            try
            {
                // A dropped or re-sized head is the point of fine-tuning, not a loading error.
                var dropHead = checkpointClasses > 0 && numClasses != checkpointClasses;
                var freshHead = numClasses > 0 && numClasses != checkpointClasses;
                var user = loadOptions;
                var adapted = new WeightLoadOptions
                {
                    Strict = user.Strict,
                    Prefixes = user.Prefixes,
                    RenameLegacyLayerNorm = user.RenameLegacyLayerNorm,
                    Rename = key =>
                    {
                        var mapped = user.Rename is null ? key : user.Rename(key);
                        return dropHead && mapped is not null && IsHeadKey(mapped, user.Prefixes) ? null : mapped;
                    },
                    IgnoreMissing = key => (freshHead && IsHeadKey(key, [])) || user.IgnoreMissing?.Invoke(key) == true,
                    IgnoreUnexpected = user.IgnoreUnexpected,
                };
                report = WeightLoader.Load(model, weights, adapted);
                return model;
            }
            catch
            {
                model.Dispose();
                throw;
            }
        }
        finally
        {
            foreach (var tensor in weights.Values)
            {
                tensor.Dispose();
            }
        }
    }

    /// <summary>
    /// Loads a weights file into this model with <see cref="WeightLoader"/> (torchvision/timm key names; strict by
    /// default, so any missing, unexpected or mismatched key throws before anything is copied).
    /// </summary>
    public WeightLoadReport LoadWeights(string path, WeightLoadOptions? loadOptions = null) => WeightLoader.LoadFile(this, path, loadOptions);

    /// <summary>
    /// Logits [N, NumClasses] when the model has a head, otherwise the pooled vector [N, OutputSize].
    /// </summary>
    /// <param name="input">Preprocessed images [N, InChannels, H, W] in the model's dtype and on its device.</param>
    /// <exception cref="ArgumentException">Wrong rank, channel count, dtype or device, or an empty batch.</exception>
    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var pooled = Pool(Features(input, nameof(input)));
        return scope.MoveToOuter(fc is null ? pooled : fc.forward(pooled));
    }

    /// <summary>The last feature map [N, OutputSize, h, w] (h = ⌈H/32⌉ for the standard strides).</summary>
    /// <exception cref="ArgumentException">Wrong rank, channel count, dtype or device, or an empty batch.</exception>
    public Tensor ForwardFeatures(Tensor pixels)
    {
        using var scope = NewDisposeScope();
        return scope.MoveToOuter(Features(pixels, nameof(pixels)));
    }

    /// <summary>
    /// The pooled vector [N, C] (global average pool, the input of <c>fc</c>), the feature map as tokens
    /// [N, h·w, C] (row-major over h, w) and the feature map [N, C, h, w]. The head is not applied.
    /// </summary>
    /// <exception cref="ArgumentException">Wrong rank, channel count, dtype or device, or an empty batch.</exception>
    public ImageEncoderOutput Encode(Tensor pixels)
    {
        using var scope = NewDisposeScope();
        var map = Features(pixels, nameof(pixels));
        var pooled = Pool(map);
        var tokens = map.flatten(2).transpose(1, 2).contiguous();
        return new ImageEncoderOutput(scope.MoveToOuter(pooled), scope.MoveToOuter(tokens), scope.MoveToOuter(map));
    }

    /// <summary>Sets training mode; with <see cref="ResNetOptions.FrozenBatchNorm"/> every batch norm stays in eval mode.</summary>
    public override void train(bool train = true)
    {
        base.train(train);
        if (Options?.FrozenBatchNorm == true)
        {
            foreach (var norm in modules().OfType<KeptAliveBatchNorm2d>())
            {
                norm.eval();
            }
        }
    }

    private static ResNetOptions Grouped(ResNetOptions? options, long groups, long widthPerGroup)
    {
        options ??= new ResNetOptions();
        return new ResNetOptions
        {
            NumClasses = options.NumClasses,
            InChannels = options.InChannels,
            StemWidth = options.StemWidth,
            Widths = options.Widths,
            Groups = groups,
            WidthPerGroup = widthPerGroup,
            ZeroInitResidual = options.ZeroInitResidual,
            FrozenBatchNorm = options.FrozenBatchNorm,
            Device = options.Device,
        };
    }

    private static bool IsHeadKey(string key, IReadOnlyList<string> prefixes) =>
        key is "fc.weight" or "fc.bias" || prefixes.Any(p => key == p + "fc.weight" || key == p + "fc.bias");

    private static Tensor Pool(Tensor map) => map.mean([2, 3]);

    private Tensor Features(Tensor pixels, string name)
    {
        CheckInput(pixels, name);
        var x = maxpool.forward(nn.functional.relu(bn1.forward(conv1.forward(pixels))));
        return layer4.forward(layer3.forward(layer2.forward(layer1.forward(x))));
    }

    private void CheckInput(Tensor pixels, string name)
    {
        ArgumentNullException.ThrowIfNull(pixels, name);
        if (pixels.IsInvalid)
        {
            throw new ArgumentException($"{name} has been disposed.", name);
        }

        var shape = "[" + string.Join(", ", pixels.shape) + "]";
        if (pixels.dim() != 4)
        {
            throw new ArgumentException($"{name} must be 4-D [N, {Options.InChannels}, H, W], but its shape is {shape}.", name);
        }

        if (pixels.shape[1] != Options.InChannels)
        {
            throw new ArgumentException($"{name} must have {Options.InChannels} channels (dimension 1), but its shape is {shape}.", name);
        }

        if (pixels.shape[0] == 0 || pixels.shape[2] == 0 || pixels.shape[3] == 0)
        {
            throw new ArgumentException($"{name} must hold at least one non-empty image, but its shape is {shape}.", name);
        }

        var weight = conv1.weight!;
        if (pixels.dtype != weight.dtype)
        {
            throw new ArgumentException($"{name} must have the model's dtype {weight.dtype}, but its dtype is {pixels.dtype}.", name);
        }

        if (pixels.device.type != weight.device.type || pixels.device.index != weight.device.index)
        {
            throw new ArgumentException($"{name} must be on the model's device {weight.device}, but it is on {pixels.device}.", name);
        }

        if (training && !Options.FrozenBatchNorm)
        {
            // Five stride-2 reductions (conv1, maxpool, layer2-4), each ⌊(n − 1) / 2⌋ + 1. Training-mode batch norm
            // needs more than one value per channel; libtorch would fail with an opaque native error.
            long h = pixels.shape[2], w = pixels.shape[3];
            for (var i = 0; i < 5; i++)
            {
                h = ((h - 1) / 2) + 1;
                w = ((w - 1) / 2) + 1;
            }

            if (pixels.shape[0] * h * w < 2)
            {
                throw new ArgumentException(
                    $"{name} of shape {shape} leaves one value per channel in the last stage, which batch norm cannot normalise in training mode; use a batch of at least 2, larger images, eval() or FrozenBatchNorm.",
                    name);
            }
        }
    }

    private static Sequential MakeLayer(ResNetBlockType block, ref long inPlanes, long planes, int blocks, long stride, ResNetOptions options)
    {
        var expansion = block == ResNetBlockType.Bottleneck ? ResNetBottleneck.Expansion : 1;
        var device = options.Device;
        var modules = new List<nn.Module<Tensor, Tensor>>(blocks);
        for (var i = 0; i < blocks; i++)
        {
            var s = i == 0 ? stride : 1;
            Sequential? downsample = null;
            if (i == 0 && (stride != 1 || inPlanes != planes * expansion))
            {
                downsample = nn.Sequential(
                    nn.Conv2d(inPlanes, planes * expansion, kernel_size: 1, stride: stride, bias: false, device: device),
                    new KeptAliveBatchNorm2d(planes * expansion, device: device));
            }

            modules.Add(block == ResNetBlockType.Bottleneck
                ? new ResNetBottleneck(inPlanes, planes, s, downsample, options.Groups, options.WidthPerGroup, device)
                : new ResNetBasicBlock(inPlanes, planes, s, downsample, device));
            inPlanes = planes * expansion;
        }

        return nn.Sequential([.. modules]);
    }

    // torchvision ResNet.__init__: Kaiming-normal (fan_out, relu) convolutions, BN (1, 0), nn.Linear's own init.
    private void Initialize(ResNetOptions options)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        foreach (var module in modules())
        {
            switch (module)
            {
                case Conv2d conv:
                    nn.init.kaiming_normal_(conv.weight!, mode: nn.init.FanInOut.FanOut, nonlinearity: nn.init.NonlinearityType.ReLU);
                    break;
                case KeptAliveBatchNorm2d norm:
                    nn.init.ones_(norm.weight!);
                    nn.init.zeros_(norm.bias!);
                    if (options.FrozenBatchNorm)
                    {
                        norm.weight!.requires_grad = false;
                        norm.bias!.requires_grad = false;
                    }

                    break;
                default:
                    break;
            }
        }

        if (options.ZeroInitResidual)
        {
            foreach (var module in modules())
            {
                var last = module switch
                {
                    ResNetBottleneck b => b.LastNorm,
                    ResNetBasicBlock b => b.LastNorm,
                    _ => null,
                };
                if (last is not null)
                {
                    nn.init.zeros_(last.weight!);
                }
            }
        }
    }

    private static void Validate(ResNetBlockType block, IReadOnlyList<int> layers, ResNetOptions options)
    {
        if (!Enum.IsDefined(block))
        {
            throw new ArgumentOutOfRangeException(nameof(block), block, "Unknown ResNet block type.");
        }

        if (layers.Count != 4 || layers.Any(n => n < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(layers), $"[{string.Join(", ", layers)}]", "A ResNet needs exactly four stages of at least one block each.");
        }

        if (options.NumClasses < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.NumClasses, "ResNetOptions.NumClasses must be ≥ 0 (0 drops the head).");
        }

        if (options.InChannels < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.InChannels, "ResNetOptions.InChannels must be ≥ 1.");
        }

        if (options.StemWidth < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.StemWidth, "ResNetOptions.StemWidth must be ≥ 1.");
        }

        if (options.Groups < 1 || options.WidthPerGroup < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), $"Groups {options.Groups}, WidthPerGroup {options.WidthPerGroup}", "ResNetOptions.Groups and WidthPerGroup must be ≥ 1.");
        }

        if (block == ResNetBlockType.Basic && (options.Groups != 1 || options.WidthPerGroup != 64))
        {
            throw new ArgumentOutOfRangeException(nameof(options), $"Groups {options.Groups}, WidthPerGroup {options.WidthPerGroup}", "Basic blocks support only ResNetOptions.Groups = 1 and WidthPerGroup = 64 (as torchvision).");
        }

        if (options.Widths is null || options.Widths.Count != 4 || options.Widths.Any(w => w < 1))
        {
            var actual = options.Widths is null ? "null" : $"[{string.Join(", ", options.Widths)}]";
            throw new ArgumentOutOfRangeException(nameof(options), actual, "ResNetOptions.Widths must hold four positive stage widths.");
        }

        if (block == ResNetBlockType.Bottleneck && options.Widths.Any(w => ResNetBottleneck.InnerWidth(w, options.Groups, options.WidthPerGroup) < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.WidthPerGroup, "ResNetOptions.WidthPerGroup is too small: a stage's inner width ⌊width · WidthPerGroup / 64⌋ · Groups would be 0.");
        }
    }

    private static (ResNetBlockType Block, int[] Layers, ResNetOptions Architecture, long Classes) Infer(
        Dictionary<string, Tensor> weights, WeightLoadOptions loadOptions, string path)
    {
        string Map(string key) => loadOptions.Rename is null ? key : loadOptions.Rename(key) ?? string.Empty;
        var mapped = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var (key, tensor) in weights)
        {
            var name = Map(key);
            foreach (var prefix in loadOptions.Prefixes)
            {
                if (name.StartsWith(prefix, StringComparison.Ordinal) && !weights.ContainsKey(name[prefix.Length..]))
                {
                    name = name[prefix.Length..];
                    break;
                }
            }

            mapped.TryAdd(name, tensor);
        }

        Tensor Need(string key) => mapped.TryGetValue(key, out var t) && t.dim() >= 2
            ? t
            : throw new InvalidDataException($"'{path}' does not look like a ResNet checkpoint: it has no 4-D '{key}'.");

        // timm's "d"/"s"/"t" variants keep the names but change the layout: a deep stem (conv1.0/1/3 …) and an
        // average-pool shortcut (downsample.0 = AvgPool, .1 conv, .2 norm). Say so rather than report 50 mismatches.
        if (mapped.ContainsKey("conv1.0.weight") || mapped.Keys.Any(k => k.EndsWith(".downsample.2.weight", StringComparison.Ordinal)))
        {
            throw new InvalidDataException(
                $"'{path}' is a timm deep-stem / average-down ResNet variant (resnetXXd, resnetXXs, resnetXXt); only the torchvision layout (timm resnetXX, resnetXX.a1_in1k, …) is supported.");
        }

        var stem = Need("conv1.weight");
        var block = mapped.ContainsKey("layer1.0.conv3.weight") ? ResNetBlockType.Bottleneck : ResNetBlockType.Basic;
        var layers = new int[4];
        var widths = new long[4];
        long groups = 1, widthPerGroup = 64;
        for (var s = 0; s < 4; s++)
        {
            widths[s] = Need($"layer{s + 1}.0.conv1.weight").shape[0];
            if (block == ResNetBlockType.Bottleneck)
            {
                // planes = conv3 outputs / 4; the inner width (conv1's outputs) = planes · WidthPerGroup / 64 · Groups,
                // and conv2's weight is [width, width / Groups, 3, 3].
                var inner = widths[s];
                widths[s] = Need($"layer{s + 1}.0.conv3.weight").shape[0] / ResNetBottleneck.Expansion;
                if (s == 0)
                {
                    groups = inner / Need("layer1.0.conv2.weight").shape[1];
                    widthPerGroup = inner / groups * 64 / widths[0];
                }
            }

            while (mapped.ContainsKey($"layer{s + 1}.{layers[s]}.conv1.weight"))
            {
                layers[s]++;
            }
        }

        var classes = mapped.TryGetValue("fc.weight", out var head) && head.dim() == 2 ? head.shape[0] : 0;
        var architecture = new ResNetOptions
        {
            InChannels = stem.shape[1],
            StemWidth = stem.shape[0],
            Widths = widths,
            Groups = groups,
            WidthPerGroup = widthPerGroup,
        };
        return (block, layers, architecture, classes);
    }
}

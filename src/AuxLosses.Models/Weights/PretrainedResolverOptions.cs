using System;
using System.Net.Http;

namespace AuxLosses.Models;

/// <summary>
/// Where <see cref="PretrainedResolver"/> looks for and stores pretrained files. Unset properties follow the
/// <c>huggingface_hub</c> environment variables, so a cache shared with Python is found as is.
/// </summary>
public sealed class PretrainedResolverOptions
{
    /// <summary>The default hub endpoint. Only ever contacted when a file is absent from the cache and not offline.</summary>
    public const string DefaultEndpoint = "https://huggingface.co";

    /// <summary>
    /// The hub cache folder (holding <c>models--ORG--NAME</c>). Default: <c>$HF_HUB_CACHE</c>, else
    /// <c>$HF_HOME/hub</c>, else <c>~/.cache/huggingface/hub</c>.
    /// </summary>
    public string? CacheDirectory { get; init; }

    /// <summary>The hub base URL. Default: <c>$HF_ENDPOINT</c>, else <see cref="DefaultEndpoint"/>.</summary>
    public string? Endpoint { get; init; }

    /// <summary>Never use the network. Default: true when <c>$HF_HUB_OFFLINE</c> is 1/true/yes/on.</summary>
    public bool? Offline { get; init; }

    /// <summary>A bearer token for gated or private repositories. Default: <c>$HF_TOKEN</c>. Sent to the endpoint's host only.</summary>
    public string? Token { get; init; }

    /// <summary>The HTTP handler (proxies, certificates, tests). Default: a <see cref="SocketsHttpHandler"/> owned by the resolver.</summary>
    public HttpMessageHandler? HttpHandler { get; init; }

    /// <summary>The timeout for each HTTP request's headers and for stalls while reading. Default 100 seconds.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(100);

    /// <summary>Link snapshot files to their blobs with relative symlinks like <c>huggingface_hub</c> (copies where links fail). Default true.</summary>
    public bool UseSymlinks { get; init; } = true;
}

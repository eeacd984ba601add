using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;

namespace AuxLosses.Models;

/// <summary>
/// <c>from_pretrained</c>-style file resolution: a local folder, the Hugging Face hub cache, or a download into
/// that cache. The cache layout is <c>huggingface_hub</c>'s, so Python and .NET share one cache:
/// <code>
/// {cache}/models--ORG--NAME/refs/{revision}            the commit a branch or tag pointed to
/// {cache}/models--ORG--NAME/blobs/{etag}                file contents, named by ETag
/// {cache}/models--ORG--NAME/snapshots/{commit}/{file}   relative symlink (or copy) to the blob
/// </code>
/// Downloads go to <c>blobs/{etag}.incomplete</c> first; an interrupted download throws and a later call resumes
/// it with an HTTP Range request. Offline mode (<c>HF_HUB_OFFLINE=1</c>) only reads the cache.
/// </summary>
public sealed partial class PretrainedResolver : IDisposable
{
    private const int MaxRedirects = 5;
    private readonly HttpClient _http;
    private readonly bool _ownsHandler;
    private readonly TimeSpan _timeout;
    private readonly string? _token;
    private readonly bool _useSymlinks;

    /// <summary>Creates a resolver; unset options follow the <c>huggingface_hub</c> environment variables.</summary>
    public PretrainedResolver(PretrainedResolverOptions? options = null)
        : this(options ?? new PretrainedResolverOptions(), Environment.GetEnvironmentVariable)
    {
    }

    internal PretrainedResolver(PretrainedResolverOptions options, Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.RequestTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.RequestTimeout, "RequestTimeout must be positive.");
        }

        CacheDirectory = Path.GetFullPath(options.CacheDirectory ?? DefaultCacheDirectory(environment));
        Endpoint = (options.Endpoint ?? Blank(environment("HF_ENDPOINT")) ?? PretrainedResolverOptions.DefaultEndpoint).TrimEnd('/');
        if (!Uri.TryCreate(Endpoint, UriKind.Absolute, out var endpoint) || (endpoint.Scheme != Uri.UriSchemeHttps && endpoint.Scheme != Uri.UriSchemeHttp))
        {
            throw new ArgumentException($"Endpoint '{Endpoint}' must be an absolute http(s) URL.", nameof(options));
        }

        Offline = options.Offline ?? IsTrue(environment("HF_HUB_OFFLINE"));
        _token = options.Token ?? Blank(environment("HF_TOKEN"));
        _timeout = options.RequestTimeout;
        _useSymlinks = options.UseSymlinks;
        _ownsHandler = options.HttpHandler is null;
        // Redirects are followed by hand: the hub's first response carries X-Repo-Commit and X-Linked-Etag,
        // and the token must not follow a redirect to another host.
        var handler = options.HttpHandler ?? new SocketsHttpHandler { AllowAutoRedirect = false, AutomaticDecompression = DecompressionMethods.None };
        _http = new HttpClient(handler, disposeHandler: _ownsHandler) { Timeout = Timeout.InfiniteTimeSpan };
        _http.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("AuxLosses.Models", "0.1"));
    }

    /// <summary>The hub cache folder in use.</summary>
    public string CacheDirectory { get; }

    /// <summary>The hub base URL in use.</summary>
    public string Endpoint { get; }

    /// <summary>True when the resolver never uses the network.</summary>
    public bool Offline { get; }

    /// <summary>The cache folder name of a repository: <c>models--ORG--NAME</c>.</summary>
    public static string RepoFolderName(string repoId)
    {
        ValidateRepoId(repoId);
        return "models--" + repoId.Replace("/", "--", StringComparison.Ordinal);
    }

    /// <summary>
    /// The cached path of <paramref name="fileName"/> for <paramref name="revision"/> (a branch, tag or commit;
    /// default <c>main</c>), or null when it is not cached. Never touches the network.
    /// </summary>
    public string? TryGetCached(string repoId, string fileName, string? revision = null) =>
        FindCached(repoId, fileName, revision ?? "main", []);

    /// <summary>
    /// Resolves one file: <paramref name="repoIdOrPath"/> may be a local folder (the file must be in it) or a hub
    /// repository id (<c>ORG/NAME</c> or <c>NAME</c>), looked up in the cache and, unless offline, downloaded.
    /// </summary>
    /// <returns>The full local path of the file.</returns>
    /// <exception cref="PretrainedFileNotFoundException">Not found; the message lists every path and URL tried.</exception>
    /// <exception cref="HttpRequestException">The server answered with an error other than 404.</exception>
    /// <exception cref="IOException">The download was interrupted; call again to resume it.</exception>
    public Task<string> ResolveAsync(
        string repoIdOrPath, string fileName, string? revision = null, IProgress<DownloadProgress>? progress = null, CancellationToken cancellationToken = default) =>
        ResolveFirstAsync(repoIdOrPath, [fileName], revision, progress, cancellationToken);

    /// <summary>
    /// Resolves the first of several candidate files that exists (e.g. <c>model.safetensors</c>, then
    /// <c>pytorch_model.safetensors</c>): every candidate is looked for in the cache before any is downloaded.
    /// </summary>
    /// <exception cref="PretrainedFileNotFoundException">None found; the message lists every path and URL tried.</exception>
    public async Task<string> ResolveFirstAsync(
        string repoIdOrPath, IReadOnlyList<string> fileNames, string? revision = null, IProgress<DownloadProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(repoIdOrPath);
        ArgumentNullException.ThrowIfNull(fileNames);
        if (fileNames.Count == 0)
        {
            throw new ArgumentException("At least one file name is required.", nameof(fileNames));
        }

        foreach (var name in fileNames)
        {
            ValidateFileName(name);
        }

        var what = $"{string.Join(" or ", fileNames)} for '{repoIdOrPath}'";
        var searched = new List<string>();
        if (Directory.Exists(repoIdOrPath))
        {
            foreach (var name in fileNames)
            {
                var local = Path.GetFullPath(Path.Combine(repoIdOrPath, name));
                if (File.Exists(local))
                {
                    return local;
                }

                searched.Add(local);
            }

            throw new PretrainedFileNotFoundException(what, searched, "a local folder was given and it lacks the file");
        }

        ValidateRepoId(repoIdOrPath);
        revision ??= "main";
        ValidateRevision(revision);
        foreach (var name in fileNames)
        {
            if (FindCached(repoIdOrPath, name, revision, searched) is { } cached)
            {
                return cached;
            }
        }

        if (Offline)
        {
            throw new PretrainedFileNotFoundException(what, searched, "offline mode (HF_HUB_OFFLINE) forbids downloading");
        }

        foreach (var name in fileNames)
        {
            var url = FileUrl(repoIdOrPath, revision, name);
            searched.Add(url);
            var path = await DownloadAsync(repoIdOrPath, name, revision, url, progress, cancellationToken).ConfigureAwait(false);
            if (path is not null)
            {
                return path;
            }
        }

        throw new PretrainedFileNotFoundException(what, searched, "the hub answered 404 Not Found");
    }

    /// <summary>Releases the HTTP client (and the handler when the resolver created it).</summary>
    public void Dispose() => _http.Dispose();

    internal static string DefaultCacheDirectory(Func<string, string?> environment)
    {
        if (Blank(environment("HF_HUB_CACHE")) is { } hubCache)
        {
            return hubCache;
        }

        if (Blank(environment("HF_HOME")) is { } home)
        {
            return Path.Combine(home, "hub");
        }

        var xdg = Blank(environment("XDG_CACHE_HOME")) ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
        return Path.Combine(xdg, "huggingface", "hub");
    }

    private string RepoDir(string repoId) => Path.Combine(CacheDirectory, RepoFolderName(repoId));

    private string? FindCached(string repoId, string fileName, string revision, List<string> searched)
    {
        ValidateRepoId(repoId);
        ValidateFileName(fileName);
        ValidateRevision(revision);
        var repoDir = RepoDir(repoId);
        var commit = revision;
        if (!IsCommitHash(revision))
        {
            var refPath = Path.Combine(repoDir, "refs", revision);
            commit = File.Exists(refPath) ? File.ReadAllText(refPath).Trim() : null;
            if (commit is null || !IsCommitHash(commit))
            {
                searched.Add(refPath);
                return null;
            }
        }

        var snapshot = Path.Combine(repoDir, "snapshots", commit, fileName);
        if (File.Exists(snapshot))
        {
            return snapshot;
        }

        searched.Add(snapshot);
        return null;
    }

    private string FileUrl(string repoId, string revision, string fileName) =>
        $"{Endpoint}/{string.Join('/', repoId.Split('/').Select(Uri.EscapeDataString))}/resolve/{Uri.EscapeDataString(revision)}/"
        + string.Join('/', fileName.Split('/').Select(Uri.EscapeDataString));

    // Returns null on 404; throws on other failures.
    private async Task<string?> DownloadAsync(
        string repoId, string fileName, string revision, string url, IProgress<DownloadProgress>? progress, CancellationToken cancellationToken)
    {
        using var head = await SendAsync(HttpMethod.Head, url, null, cancellationToken).ConfigureAwait(false);
        if (head.Final.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        EnsureSuccess(head.Final, url);
        var commit = head.Header("X-Repo-Commit") ?? (IsCommitHash(revision) ? revision : null)
            ?? throw new InvalidDataException($"The hub did not send X-Repo-Commit for {url}; cannot place the file in the cache.");
        if (!IsCommitHash(commit))
        {
            throw new InvalidDataException($"The hub sent an invalid commit '{commit}' for {url}.");
        }

        var etag = NormalizeEtag(head.Header("X-Linked-Etag") ?? head.Header("ETag")
            ?? throw new InvalidDataException($"The hub sent no ETag for {url}; cannot place the file in the cache."));
        long? size = long.TryParse(head.Header("X-Linked-Size"), out var linked) ? linked : head.Final.Content.Headers.ContentLength;

        var repoDir = RepoDir(repoId);
        var blob = Path.Combine(repoDir, "blobs", etag);
        var snapshot = Path.Combine(repoDir, "snapshots", commit, fileName);
        Directory.CreateDirectory(Path.GetDirectoryName(blob)!);
        if (!File.Exists(blob))
        {
            await FetchBlobAsync(url, fileName, blob, etag, size, progress, cancellationToken).ConfigureAwait(false);
        }

        if (!File.Exists(snapshot))
        {
            Link(blob, snapshot);
        }

        if (!IsCommitHash(revision))
        {
            var refPath = Path.Combine(repoDir, "refs", revision);
            Directory.CreateDirectory(Path.GetDirectoryName(refPath)!);
            await File.WriteAllTextAsync(refPath, commit, cancellationToken).ConfigureAwait(false);
        }

        return snapshot;
    }

    private async Task FetchBlobAsync(
        string url, string fileName, string blob, string etag, long? size, IProgress<DownloadProgress>? progress, CancellationToken cancellationToken)
    {
        var incomplete = blob + ".incomplete";
        // FileShare.None doubles as a lock: a second process downloading the same blob fails instead of interleaving.
        using (var file = new FileStream(incomplete, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1 << 16, useAsync: true))
        {
            var resumeFrom = file.Length;
            if (size is { } known && resumeFrom > known)
            {
                resumeFrom = 0;
            }

            using var response = await SendAsync(HttpMethod.Get, url, resumeFrom > 0 ? resumeFrom : null, cancellationToken).ConfigureAwait(false);
            var status = response.Final.StatusCode;
            if (status == HttpStatusCode.RequestedRangeNotSatisfiable && size == resumeFrom)
            {
                // Everything was already received before the interruption.
            }
            else
            {
                if (status == HttpStatusCode.RequestedRangeNotSatisfiable)
                {
                    // The partial file does not fit what the server holds now: drop it so the next call starts fresh.
                    file.SetLength(0);
                }

                EnsureSuccess(response.Final, url);
                // 206 means the server honoured the Range; a plain 200 resends the whole file, so start over.
                var offset = status == HttpStatusCode.PartialContent ? resumeFrom : 0;
                file.SetLength(offset);
                file.Position = offset;
                size ??= status == HttpStatusCode.PartialContent ? null : response.Final.Content.Headers.ContentLength;
                progress?.Report(new DownloadProgress(fileName, offset, size));
                await CopyAsync(response.Final, file, fileName, offset, size, progress, cancellationToken).ConfigureAwait(false);
            }

            if (size is { } expected && file.Length != expected)
            {
                var actual = file.Length;
                file.SetLength(0);
                throw new InvalidDataException($"Download of {url} produced {actual} bytes, expected {expected}; the partial file was discarded.");
            }

            if (etag.Length == 64 && etag.All(char.IsAsciiHexDigitLower))
            {
                // LFS ETags are the SHA-256 of the content: a resumed download is verified end to end.
                file.Position = 0;
                var hash = Convert.ToHexStringLower(await SHA256.HashDataAsync(file, cancellationToken).ConfigureAwait(false));
                if (hash != etag)
                {
                    file.SetLength(0);
                    throw new InvalidDataException($"Download of {url} has SHA-256 {hash}, expected {etag}; the partial file was discarded.");
                }
            }
        }

        File.Move(incomplete, blob, overwrite: true);
    }

    private async Task CopyAsync(
        HttpResponseMessage response, FileStream file, string fileName, long offset, long? size, IProgress<DownloadProgress>? progress, CancellationToken cancellationToken)
    {
        using var stall = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (body.ConfigureAwait(false))
        {
            var buffer = new byte[81920];
            var received = offset;
            while (true)
            {
                stall.CancelAfter(_timeout);
                var n = await body.ReadAsync(buffer, stall.Token).ConfigureAwait(false);
                if (n == 0)
                {
                    break;
                }

                await file.WriteAsync(buffer.AsMemory(0, n), cancellationToken).ConfigureAwait(false);
                // Flushed per chunk so an interruption keeps every received byte for the resume.
                await file.FlushAsync(cancellationToken).ConfigureAwait(false);
                received += n;
                progress?.Report(new DownloadProgress(fileName, received, size));
            }
        }
    }

    private async Task<HubResponse> SendAsync(HttpMethod method, string url, long? rangeFrom, CancellationToken cancellationToken)
    {
        var endpointHost = new Uri(Endpoint).Authority;
        var uri = new Uri(url);
        var responses = new List<HttpResponseMessage>();
        try
        {
            for (var hop = 0; ; hop++)
            {
                using var request = new HttpRequestMessage(method, uri);
                if (rangeFrom is { } from)
                {
                    request.Headers.Range = new RangeHeaderValue(from, null);
                }

                if (_token is not null && uri.Authority == endpointHost)
                {
                    request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _token);
                }

                using var headers = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                headers.CancelAfter(_timeout);
                var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, headers.Token).ConfigureAwait(false);
                responses.Add(response);
                var code = (int)response.StatusCode;
                if (code is >= 300 and < 400 && response.Headers.Location is { } location)
                {
                    if (hop >= MaxRedirects)
                    {
                        throw new HttpRequestException($"Too many redirects fetching {url}.");
                    }

                    uri = location.IsAbsoluteUri ? location : new Uri(uri, location);
                    continue;
                }

                return new HubResponse(responses);
            }
        }
        catch
        {
            foreach (var r in responses)
            {
                r.Dispose();
            }

            throw;
        }
    }

    private static void EnsureSuccess(HttpResponseMessage response, string url)
    {
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"GET {url} failed: HTTP {(int)response.StatusCode} {response.ReasonPhrase}.", null, response.StatusCode);
        }
    }

    private void Link(string blob, string snapshot)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(snapshot)!);
        if (_useSymlinks)
        {
            try
            {
                File.CreateSymbolicLink(snapshot, Path.GetRelativePath(Path.GetDirectoryName(snapshot)!, blob));
                return;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or PlatformNotSupportedException)
            {
                // Windows without developer mode cannot create links: fall back to a copy, as huggingface_hub does.
            }
        }

        File.Copy(blob, snapshot, overwrite: true);
    }

    // ETags arrive quoted and sometimes weak (W/"..."); the blob is named by the bare value. A value that is not a
    // safe file name is replaced by its SHA-256 so a hostile server cannot steer the path.
    internal static string NormalizeEtag(string etag)
    {
        var bare = etag.Trim();
        if (bare.StartsWith("W/", StringComparison.Ordinal))
        {
            bare = bare[2..];
        }

        bare = bare.Trim('"');
        return SafeName().IsMatch(bare) && bare != "." && bare != ".."
            ? bare
            : Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(bare)));
    }

    private static bool IsCommitHash(string revision) => revision.Length == 40 && revision.All(char.IsAsciiHexDigitLower);

    private static void ValidateRepoId(string repoId)
    {
        if (!RepoId().IsMatch(repoId) || repoId.Contains("..", StringComparison.Ordinal) || repoId.Contains("--", StringComparison.Ordinal))
        {
            throw new ArgumentException($"'{repoId}' is neither an existing folder nor a valid hub repository id (NAME or ORG/NAME).", nameof(repoId));
        }
    }

    private static void ValidateFileName(string fileName)
    {
        if (string.IsNullOrEmpty(fileName) || Path.IsPathRooted(fileName) || fileName.Contains('\\', StringComparison.Ordinal)
            || fileName.Split('/').Any(part => part is "" or "." or ".."))
        {
            throw new ArgumentException($"File name '{fileName}' must be a relative path inside the repository.", nameof(fileName));
        }
    }

    private static void ValidateRevision(string revision)
    {
        if (string.IsNullOrEmpty(revision) || revision.Split('/').Any(part => part is "" or "." or "..") || revision.Contains('\\', StringComparison.Ordinal))
        {
            throw new ArgumentException($"Revision '{revision}' is not a valid branch, tag or commit.", nameof(revision));
        }
    }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;

    private static bool IsTrue(string? value) => value?.Trim().ToUpperInvariant() is "1" or "TRUE" or "YES" or "ON";

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]*(/[A-Za-z0-9][A-Za-z0-9._-]*)?$")]
    private static partial Regex RepoId();

    [GeneratedRegex("^[A-Za-z0-9._-]{1,128}$")]
    private static partial Regex SafeName();

    /// <summary>The chain of responses of one request (redirects included); hub metadata headers come from the first.</summary>
    private sealed class HubResponse(List<HttpResponseMessage> chain) : IDisposable
    {
        public HttpResponseMessage Final => chain[^1];

        public string? Header(string name)
        {
            foreach (var r in chain)
            {
                if (r.Headers.TryGetValues(name, out var values) || r.Content.Headers.TryGetValues(name, out values))
                {
                    return values.FirstOrDefault();
                }
            }

            return null;
        }

        public void Dispose()
        {
            foreach (var r in chain)
            {
                r.Dispose();
            }
        }
    }
}

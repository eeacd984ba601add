using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net.Http;
using System.Security.Cryptography;
using System.Threading.Tasks;
using FluentAssertions;
using static TorchSharp.torch;

namespace AuxLosses.Models.Tests.Weights;

public sealed class PretrainedResolverTests
{
    private const string Commit = "0123456789abcdef0123456789abcdef01234567";
    private const string OtherCommit = "fedcba9876543210fedcba9876543210fedcba98";

    private static PretrainedResolver Resolver(string cache, string? endpoint = null, bool offline = false) =>
        new(new PretrainedResolverOptions { CacheDirectory = cache, Endpoint = endpoint ?? "http://127.0.0.1:9", Offline = offline });

    private static byte[] Content(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    private static string Sha256(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    /// <summary>Writes the huggingface_hub layout: refs/{revision} → commit, snapshots/{commit}/{file}.</summary>
    private static string Seed(string cache, string repo, string revision, string commit, string file, string text)
    {
        var repoDir = Path.Combine(cache, "models--" + repo.Replace("/", "--", StringComparison.Ordinal));
        Directory.CreateDirectory(Path.Combine(repoDir, "refs"));
        File.WriteAllText(Path.Combine(repoDir, "refs", revision), commit + "\n");
        var snapshot = Path.Combine(repoDir, "snapshots", commit, file);
        Directory.CreateDirectory(Path.GetDirectoryName(snapshot)!);
        File.WriteAllText(snapshot, text);
        return snapshot;
    }

    [Fact]
    public async Task A_local_folder_is_used_as_is()
    {
        using var dir = WeightsFixture.NewTempDir();
        File.WriteAllText(dir.File("config.json"), "{}");
        using var resolver = Resolver(dir.File("cache"), offline: true);

        (await resolver.ResolveAsync(dir.Root, "config.json")).Should().Be(dir.File("config.json"));

        var act = () => resolver.ResolveFirstAsync(dir.Root, ["model.safetensors", "weights.dat"]);
        var e = (await act.Should().ThrowAsync<PretrainedFileNotFoundException>()).Which;
        e.SearchedLocations.Should().Equal(dir.File("model.safetensors"), dir.File("weights.dat"));
        e.Message.Should().Contain(dir.File("model.safetensors")).And.Contain(dir.File("weights.dat"));
    }

    [Fact]
    public async Task The_hub_cache_layout_resolves_refs_and_explicit_revisions()
    {
        using var dir = WeightsFixture.NewTempDir();
        var cache = dir.File("hub");
        var main = Seed(cache, "google/bert-tiny", "main", Commit, "model.safetensors", "main");
        var tagged = Seed(cache, "google/bert-tiny", "v1", OtherCommit, "sub/config.json", "v1");
        using var resolver = Resolver(cache, offline: true);

        (await resolver.ResolveAsync("google/bert-tiny", "model.safetensors")).Should().Be(main);
        (await resolver.ResolveAsync("google/bert-tiny", "sub/config.json", "v1")).Should().Be(tagged);
        (await resolver.ResolveAsync("google/bert-tiny", "sub/config.json", OtherCommit)).Should().Be(tagged);
        resolver.TryGetCached("google/bert-tiny", "model.safetensors", Commit).Should().Be(main);
        resolver.TryGetCached("google/bert-tiny", "model.safetensors", "v1").Should().BeNull();
        resolver.TryGetCached("other/model", "model.safetensors").Should().BeNull();
    }

    [Fact]
    public async Task Missing_cached_file_lists_every_path_and_offline_mode_refuses_the_network()
    {
        using var dir = WeightsFixture.NewTempDir();
        using var hub = new LoopbackHub();
        hub.Add("org/name", "main", "model.safetensors", Content(10, 1), "abc", Commit);
        var cache = dir.File("hub");
        Seed(cache, "org/name", "main", Commit, "config.json", "{}");
        using var resolver = Resolver(cache, hub.BaseUrl, offline: true);

        var act = () => resolver.ResolveFirstAsync("org/name", ["model.safetensors", "pytorch_model.safetensors"]);

        var e = (await act.Should().ThrowAsync<PretrainedFileNotFoundException>()).Which;
        e.Message.Should().Contain("offline");
        var snapshots = Path.Combine(cache, "models--org--name", "snapshots", Commit);
        e.SearchedLocations.Should().Equal(Path.Combine(snapshots, "model.safetensors"), Path.Combine(snapshots, "pytorch_model.safetensors"));
        hub.Requests.Should().BeEmpty("offline mode must not touch the network");

        var noRef = () => resolver.ResolveAsync("org/unknown", "model.safetensors");
        (await noRef.Should().ThrowAsync<PretrainedFileNotFoundException>()).Which.SearchedLocations
            .Should().Equal(Path.Combine(cache, "models--org--unknown", "refs", "main"));
    }

    [Fact]
    public void Environment_variables_choose_cache_endpoint_and_offline_mode()
    {
        string? Env(Dictionary<string, string> vars, string name) => vars.GetValueOrDefault(name);
        var both = new Dictionary<string, string> { ["HF_HUB_CACHE"] = "/x/hubcache", ["HF_HOME"] = "/x/home" };
        PretrainedResolver.DefaultCacheDirectory(n => Env(both, n)).Should().Be("/x/hubcache");
        var home = new Dictionary<string, string> { ["HF_HOME"] = "/x/home" };
        PretrainedResolver.DefaultCacheDirectory(n => Env(home, n)).Should().Be(Path.Combine("/x/home", "hub"));
        var none = new Dictionary<string, string> { ["XDG_CACHE_HOME"] = "/x/xdg" };
        PretrainedResolver.DefaultCacheDirectory(n => Env(none, n)).Should().Be(Path.Combine("/x/xdg", "huggingface", "hub"));
        PretrainedResolver.DefaultCacheDirectory(_ => null).Should()
            .Be(Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "huggingface", "hub"));

        var offline = new Dictionary<string, string> { ["HF_HUB_OFFLINE"] = "1", ["HF_HUB_CACHE"] = "/x/c" };
        using var a = new PretrainedResolver(new PretrainedResolverOptions(), n => Env(offline, n));
        a.Offline.Should().BeTrue();
        a.CacheDirectory.Should().Be("/x/c");
        a.Endpoint.Should().Be(PretrainedResolverOptions.DefaultEndpoint, "the default is configurable and only used when downloading");
        var mirror = new Dictionary<string, string> { ["HF_ENDPOINT"] = "http://127.0.0.1:1/" };
        using var b = new PretrainedResolver(new PretrainedResolverOptions { Offline = false }, n => Env(mirror, n));
        b.Offline.Should().BeFalse();
        b.Endpoint.Should().Be("http://127.0.0.1:1");
    }

    [Fact]
    public async Task Download_reports_progress_stores_the_etag_blob_links_the_snapshot_and_then_hits_the_cache()
    {
        using var dir = WeightsFixture.NewTempDir();
        using var hub = new LoopbackHub();
        var content = Content(300_000, 2);
        var etag = Sha256(content);
        hub.Add("org/name", "main", "model.safetensors", content, etag, Commit);
        using var resolver = Resolver(dir.File("hub"), hub.BaseUrl);
        var reports = new List<DownloadProgress>();
        var progress = new SyncProgress(reports.Add);

        var path = await resolver.ResolveAsync("org/name", "model.safetensors", progress: progress);

        var repoDir = dir.File(Path.Combine("hub", "models--org--name"));
        path.Should().Be(Path.Combine(repoDir, "snapshots", Commit, "model.safetensors"));
        File.ReadAllBytes(path).Should().Equal(content);
        File.Exists(Path.Combine(repoDir, "blobs", etag)).Should().BeTrue("the blob is named by its ETag");
        File.Exists(Path.Combine(repoDir, "blobs", etag + ".incomplete")).Should().BeFalse();
        new FileInfo(path).LinkTarget.Should().Be(Path.Combine("..", "..", "blobs", etag));
        File.ReadAllText(Path.Combine(repoDir, "refs", "main")).Should().Be(Commit);
        reports.Should().NotBeEmpty();
        reports.Select(r => r.BytesReceived).Should().BeInAscendingOrder();
        reports[^1].Should().Be(new DownloadProgress("model.safetensors", content.Length, content.Length));

        var requests = hub.Requests.Count;
        (await resolver.ResolveAsync("org/name", "model.safetensors")).Should().Be(path);
        hub.Requests.Count.Should().Be(requests, "a cached file needs no request");
    }

    [Fact]
    public async Task An_interrupted_download_resumes_with_an_HTTP_range_request()
    {
        using var dir = WeightsFixture.NewTempDir();
        using var hub = new LoopbackHub();
        var content = Content(200_000, 3);
        var etag = Sha256(content);
        hub.Add("org/name", "main", "model.safetensors", content, etag, Commit);
        hub.CutNextGetAfter = 70_000;
        using var resolver = Resolver(dir.File("hub"), hub.BaseUrl);

        var first = () => resolver.ResolveAsync("org/name", "model.safetensors");
        (await first.Should().ThrowAsync<Exception>()).Which.Should().Match<Exception>(e => e is IOException || e is HttpRequestException);
        var incomplete = dir.File(Path.Combine("hub", "models--org--name", "blobs", etag + ".incomplete"));
        var partial = new FileInfo(incomplete).Length;
        partial.Should().BeInRange(1, 70_000, "the received bytes are kept for the resume");

        var reports = new List<DownloadProgress>();
        var path = await resolver.ResolveAsync("org/name", "model.safetensors", progress: new SyncProgress(reports.Add));

        File.ReadAllBytes(path).Should().Equal(content);
        hub.Requests.Should().Contain($"GET /org/name/resolve/main/model.safetensors bytes={partial}-");
        reports[0].BytesReceived.Should().Be(partial, "progress starts from the resumed offset");
        File.Exists(incomplete).Should().BeFalse();
    }

    [Fact]
    public async Task A_server_that_ignores_Range_restarts_the_file_from_zero()
    {
        using var dir = WeightsFixture.NewTempDir();
        using var hub = new LoopbackHub();
        var content = Content(150_000, 4);
        hub.Add("org/name", "main", "model.safetensors", content, Sha256(content), Commit);
        hub.CutNextGetAfter = 50_000;
        using var resolver = Resolver(dir.File("hub"), hub.BaseUrl);
        var first = () => resolver.ResolveAsync("org/name", "model.safetensors");
        await first.Should().ThrowAsync<Exception>();

        hub.IgnoreRange = true;
        var path = await resolver.ResolveAsync("org/name", "model.safetensors");
        File.ReadAllBytes(path).Should().Equal(content);
    }

    [Fact]
    public async Task Content_that_does_not_match_its_sha256_etag_is_discarded()
    {
        using var dir = WeightsFixture.NewTempDir();
        using var hub = new LoopbackHub();
        var content = Content(1000, 5);
        hub.Add("org/name", "main", "model.safetensors", content, Sha256(Content(1000, 6)), Commit);
        using var resolver = Resolver(dir.File("hub"), hub.BaseUrl);
        var act = () => resolver.ResolveAsync("org/name", "model.safetensors");
        (await act.Should().ThrowAsync<InvalidDataException>()).Which.Message.Should().Contain("SHA-256");
        resolver.TryGetCached("org/name", "model.safetensors").Should().BeNull();
    }

    [Fact]
    public async Task Not_found_on_the_hub_lists_cache_paths_and_urls_and_later_candidates_are_tried()
    {
        using var dir = WeightsFixture.NewTempDir();
        using var hub = new LoopbackHub();
        hub.Add("org/name", "main", "weights.dat", [1, 2, 3], "etag-1", Commit);
        using var resolver = Resolver(dir.File("hub"), hub.BaseUrl);

        var act = () => resolver.ResolveAsync("org/name", "model.safetensors");
        var e = (await act.Should().ThrowAsync<PretrainedFileNotFoundException>()).Which;
        e.Message.Should().Contain("404");
        e.SearchedLocations.Should().Equal(
            Path.Combine(dir.File("hub"), "models--org--name", "refs", "main"),
            $"{hub.BaseUrl}/org/name/resolve/main/model.safetensors");

        var found = await resolver.ResolveFirstAsync("org/name", ["model.safetensors", "weights.dat"]);
        File.ReadAllBytes(found).Should().Equal(1, 2, 3);
        Path.GetFileName(new FileInfo(found).LinkTarget).Should().Be("etag-1");
    }

    [Fact]
    public async Task Downloaded_safetensors_load_into_a_module()
    {
        using var dir = WeightsFixture.NewTempDir();
        using var hub = new LoopbackHub();
        hub.Add("tiny/linear", "main", "model.safetensors", File.ReadAllBytes(WeightsFixture.Path("weights_legacy.safetensors")), "\"legacy\"", Commit);
        using var resolver = Resolver(dir.File("hub"), hub.BaseUrl);
        var path = await resolver.ResolveAsync("tiny/linear", "model.safetensors");

        using var scope = NewDisposeScope();
        var layerNorm = nn.LayerNorm(2);
        var report = WeightLoader.LoadFile(layerNorm, path, new WeightLoadOptions
        {
            Rename = k => k.StartsWith("bert.LayerNorm.", StringComparison.Ordinal) ? k["bert.LayerNorm.".Length..] : null,
        });
        report.IsClean.Should().BeTrue(report.Describe());
        layerNorm.weight!.data<float>().ToArray().Should().Equal(1.5f, 0.5f);
    }

    [Theory]
    [InlineData("../etc", "model.safetensors")]
    [InlineData("a/b/c", "model.safetensors")]
    [InlineData("org/name", "../secret")]
    [InlineData("org/name", "/abs/path")]
    public async Task Hostile_repo_ids_and_file_names_are_rejected(string repo, string file)
    {
        using var dir = WeightsFixture.NewTempDir();
        using var resolver = Resolver(dir.File("hub"), offline: true);
        var act = () => resolver.ResolveAsync(repo, file);
        await act.Should().ThrowAsync<ArgumentException>();
    }

    [Theory]
    [InlineData("\"abc123\"", "abc123")]
    [InlineData("W/\"abc-1.2\"", "abc-1.2")]
    [InlineData("plain", "plain")]
    public void Etags_are_normalised_to_file_names(string header, string expected) =>
        PretrainedResolver.NormalizeEtag(header).Should().Be(expected);

    [Fact]
    public void Unsafe_etags_are_hashed()
    {
        var name = PretrainedResolver.NormalizeEtag("\"../../evil\"");
        name.Should().MatchRegex("^[0-9a-f]{64}$");
    }

    /// <summary>Reports synchronously (Progress&lt;T&gt; posts to the thread pool, which makes ordering racy).</summary>
    private sealed class SyncProgress(Action<DownloadProgress> report) : IProgress<DownloadProgress>
    {
        public void Report(DownloadProgress value) => report(value);
    }
}

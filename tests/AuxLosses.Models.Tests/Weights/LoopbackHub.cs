using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace AuxLosses.Models.Tests.Weights;

/// <summary>
/// A minimal HTTP/1.1 server on 127.0.0.1 (ephemeral port) imitating the hub's resolve endpoint: HEAD and GET
/// of /{repo}/resolve/{revision}/{file} with X-Repo-Commit, ETag and Range support, one request per connection.
/// It can cut the first GET of a file after a given number of bytes to simulate an interrupted download.
/// </summary>
internal sealed class LoopbackHub : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private readonly ConcurrentDictionary<string, (byte[] Content, string Etag, string Commit)> _files = new();

    public LoopbackHub()
    {
        _listener.Start();
        BaseUrl = $"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";
        _loop = Task.Run(AcceptLoopAsync);
    }

    public string BaseUrl { get; }

    /// <summary>Requests seen, as "METHOD path [range]".</summary>
    public ConcurrentQueue<string> Requests { get; } = new();

    /// <summary>When set, the next GET (without Range) sends this many body bytes and then drops the connection.</summary>
    public int? CutNextGetAfter { get; set; }

    /// <summary>When true, Range headers are ignored (200 with the whole body).</summary>
    public bool IgnoreRange { get; set; }

    public void Add(string repo, string revision, string file, byte[] content, string etag, string commit) =>
        _files[$"/{repo}/resolve/{revision}/{file}"] = (content, etag, commit);

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        try
        {
            _loop.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
            // The accept loop ends with a socket error when the listener stops.
        }

        _stop.Dispose();
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            _ = Task.Run(() => ServeAsync(client));
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using (client)
        {
            try
            {
                var stream = client.GetStream();
                var (method, path, headers) = await ReadRequestAsync(stream);
                headers.TryGetValue("range", out var range);
                Requests.Enqueue($"{method} {path}{(range is null ? "" : " " + range)}");
                if (!_files.TryGetValue(path, out var file))
                {
                    await WriteAsync(stream, "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
                    return;
                }

                var head = $"X-Repo-Commit: {file.Commit}\r\nETag: \"{file.Etag}\"\r\nAccept-Ranges: bytes\r\nConnection: close\r\n";
                long start = 0;
                if (range is not null && !IgnoreRange && range.StartsWith("bytes=", StringComparison.Ordinal))
                {
                    start = long.Parse(range["bytes=".Length..].TrimEnd('-'), System.Globalization.CultureInfo.InvariantCulture);
                }

                if (start >= file.Content.Length && start > 0)
                {
                    await WriteAsync(stream, $"HTTP/1.1 416 Range Not Satisfiable\r\n{head}Content-Length: 0\r\n\r\n");
                    return;
                }

                var body = file.Content.AsMemory((int)start);
                var status = start > 0
                    ? $"HTTP/1.1 206 Partial Content\r\nContent-Range: bytes {start}-{file.Content.Length - 1}/{file.Content.Length}\r\n"
                    : "HTTP/1.1 200 OK\r\n";
                await WriteAsync(stream, $"{status}{head}Content-Type: application/octet-stream\r\nContent-Length: {body.Length}\r\n\r\n");
                if (method == "HEAD")
                {
                    return;
                }

                if (start == 0 && CutNextGetAfter is { } cut)
                {
                    CutNextGetAfter = null;
                    await stream.WriteAsync(body[..cut]);
                    await stream.FlushAsync();
                    // Reset instead of a clean close so the client sees an interrupted body.
                    client.Client.LingerState = new LingerOption(true, 0);
                    return;
                }

                await stream.WriteAsync(body);
            }
            catch (IOException)
            {
                // The client went away; nothing to do.
            }
        }
    }

    private static async Task<(string Method, string Path, Dictionary<string, string> Headers)> ReadRequestAsync(NetworkStream stream)
    {
        var bytes = new List<byte>();
        var buffer = new byte[1];
        while (bytes.Count < 16384)
        {
            if (await stream.ReadAsync(buffer) == 0)
            {
                break;
            }

            bytes.Add(buffer[0]);
            if (bytes.Count >= 4 && bytes[^4] == '\r' && bytes[^3] == '\n' && bytes[^2] == '\r' && bytes[^1] == '\n')
            {
                break;
            }
        }

        var lines = Encoding.ASCII.GetString([.. bytes]).Split("\r\n");
        var parts = lines[0].Split(' ');
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var line in lines[1..])
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0)
            {
                headers[line[..colon].Trim().ToLowerInvariant()] = line[(colon + 1)..].Trim();
            }
        }

        return (parts[0], Uri.UnescapeDataString(parts.Length > 1 ? parts[1] : "/"), headers);
    }

    private static Task WriteAsync(NetworkStream stream, string text) => stream.WriteAsync(Encoding.ASCII.GetBytes(text)).AsTask();
}

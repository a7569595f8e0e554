using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace SeRanet.Video.Tests.Support;

/// <summary>
/// Debian's chromium, headless, driven over the DevTools protocol on a WebSocket: open a page,
/// evaluate script in it, press keys as a user would, take a screenshot, and collect every console
/// error, uncaught exception and network request the page made along the way.
/// </summary>
public sealed partial class HeadlessChromium : IAsyncDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    private readonly Process _process;
    private readonly string _profile;
    private readonly ClientWebSocket _socket = new();
    private readonly Dictionary<int, TaskCompletionSource<JsonNode>> _pending = [];
    private readonly List<string> _errors = [];
    private readonly List<string> _requests = [];
    private readonly Task _receiving;
    private TaskCompletionSource _loaded = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _nextId;

    private HeadlessChromium(Process process, string profile, Uri page)
    {
        _process = process;
        _profile = profile;
        _socket.ConnectAsync(page, CancellationToken.None).WaitAsync(Timeout).GetAwaiter().GetResult();
        _receiving = Task.Run(ReceiveAsync);
    }

    /// <summary>Console errors, uncaught exceptions and browser log errors, as text.</summary>
    public IReadOnlyList<string> Errors
    {
        get
        {
            lock (_errors)
            {
                return [.. _errors];
            }
        }
    }

    /// <summary>The URL of every request the page made.</summary>
    public IReadOnlyList<string> Requests
    {
        get
        {
            lock (_requests)
            {
                return [.. _requests];
            }
        }
    }

    public static async Task<HeadlessChromium> StartAsync(int width = 1200, int height = 900)
    {
        string profile = Path.Combine(Path.GetTempPath(), "seranet-chromium-" + Guid.NewGuid().ToString("N")[..12]);
        var info = new ProcessStartInfo("chromium")
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        foreach (string argument in new[]
        {
            // No sandbox: CI runs as root, where chromium refuses to start with one. /dev/shm is small in containers.
            "--headless", "--disable-gpu", "--no-sandbox", "--disable-dev-shm-usage", "--no-first-run", "--no-default-browser-check", "--disable-extensions",
            "--remote-debugging-port=0", "--remote-allow-origins=*", $"--user-data-dir={profile}", $"--window-size={width},{height}", "about:blank",
        })
        {
            info.ArgumentList.Add(argument);
        }
        Process process;
        try
        {
            process = Process.Start(info) ?? throw new InvalidOperationException("chromium did not start.");
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new InvalidOperationException("chromium is not installed; run scripts/ensure-chromium.sh (scripts/test.sh does).", ex);
        }
        _ = process.StandardOutput.ReadToEndAsync();
        // chromium prints the browser's endpoint once it listens; the page's own endpoint comes from /json/list.
        var stderr = new StringBuilder();
        Uri? browser = null;
        var reading = Task.Run(async () =>
        {
            while (await process.StandardError.ReadLineAsync() is { } line)
            {
                stderr.AppendLine(line);
                if (DevToolsLine().Match(line) is { Success: true } match)
                {
                    browser = new Uri(match.Groups[1].Value);
                    return;
                }
            }
        });
        if (await Task.WhenAny(reading, Task.Delay(Timeout)) != reading || browser is null)
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException($"chromium gave no DevTools endpoint: {stderr}");
        }
        _ = process.StandardError.ReadToEndAsync();
        using var http = new HttpClient { Timeout = Timeout };
        var targets = JsonNode.Parse(await http.GetStringAsync(new Uri($"http://{browser.Authority}/json/list")))!.AsArray();
        var page = targets.First(t => (string?)t!["type"] == "page")!;
        return new HeadlessChromium(process, profile, new Uri((string)page["webSocketDebuggerUrl"]!));
    }

    /// <summary>Opens <paramref name="file"/> and waits for its load event.</summary>
    public async Task OpenAsync(string file)
    {
        await SendAsync("Runtime.enable");
        await SendAsync("Log.enable");
        await SendAsync("Network.enable");
        await SendAsync("Page.enable");
        _loaded = new(TaskCreationOptions.RunContinuationsAsynchronously);
        await SendAsync("Page.navigate", new JsonObject { ["url"] = new Uri(file).AbsoluteUri });
        await _loaded.Task.WaitAsync(Timeout);
    }

    /// <summary>The value of a script expression in the page, as JSON.</summary>
    public async Task<JsonNode?> EvaluateAsync(string expression)
    {
        var result = await SendAsync("Runtime.evaluate", new JsonObject { ["expression"] = expression, ["returnByValue"] = true, ["awaitPromise"] = true });
        if (result["exceptionDetails"] is { } exception)
        {
            throw new InvalidOperationException($"{expression} threw: {exception.ToJsonString()}");
        }
        return result["result"]!["value"];
    }

    /// <summary>Presses and releases a key (ArrowRight, ArrowLeft, Home, End) on whatever has focus.</summary>
    public async Task PressAsync(string key, int virtualKeyCode)
    {
        foreach (string type in new[] { "rawKeyDown", "keyUp" })
        {
            await SendAsync("Input.dispatchKeyEvent", new JsonObject
            {
                ["type"] = type, ["key"] = key, ["code"] = key, ["windowsVirtualKeyCode"] = virtualKeyCode, ["nativeVirtualKeyCode"] = virtualKeyCode,
            });
        }
    }

    /// <summary>A PNG of the whole page.</summary>
    public async Task<byte[]> ScreenshotAsync()
    {
        var result = await SendAsync("Page.captureScreenshot", new JsonObject { ["format"] = "png", ["captureBeyondViewport"] = true });
        return Convert.FromBase64String((string)result["data"]!);
    }

    private async Task<JsonNode> SendAsync(string method, JsonObject? parameters = null)
    {
        var reply = new TaskCompletionSource<JsonNode>(TaskCreationOptions.RunContinuationsAsynchronously);
        int id;
        lock (_pending)
        {
            id = ++_nextId;
            _pending[id] = reply;
        }
        var message = new JsonObject { ["id"] = id, ["method"] = method, ["params"] = parameters ?? [] };
        await _socket.SendAsync(Encoding.UTF8.GetBytes(message.ToJsonString()), WebSocketMessageType.Text, true, CancellationToken.None);
        return await reply.Task.WaitAsync(Timeout);
    }

    private async Task ReceiveAsync()
    {
        var buffer = new byte[1 << 16];
        using var message = new MemoryStream();
        while (_socket.State == WebSocketState.Open)
        {
            WebSocketReceiveResult received;
            try
            {
                received = await _socket.ReceiveAsync(buffer, CancellationToken.None);
            }
            catch (WebSocketException)
            {
                break;
            }
            if (received.MessageType == WebSocketMessageType.Close)
            {
                break;
            }
            message.Write(buffer, 0, received.Count);
            if (!received.EndOfMessage)
            {
                continue;
            }
            var node = JsonNode.Parse(message.ToArray())!;
            message.SetLength(0);
            Handle(node);
        }
        lock (_pending)
        {
            foreach (var waiting in _pending.Values)
            {
                waiting.TrySetException(new InvalidOperationException("chromium closed the DevTools connection."));
            }
        }
    }

    private void Handle(JsonNode node)
    {
        if (node["id"] is { } idNode)
        {
            TaskCompletionSource<JsonNode>? waiting;
            lock (_pending)
            {
                _pending.Remove((int)idNode, out waiting);
            }
            if (node["error"] is { } error)
            {
                waiting?.TrySetException(new InvalidOperationException(error.ToJsonString()));
            }
            else
            {
                waiting?.TrySetResult(node["result"]!);
            }
            return;
        }
        var parameters = node["params"];
        switch ((string?)node["method"])
        {
            case "Page.loadEventFired":
                _loaded.TrySetResult();
                break;
            case "Runtime.consoleAPICalled" when (string?)parameters!["type"] is "error" or "assert":
                AddError("console." + parameters!["type"] + ": " + parameters["args"]!.ToJsonString());
                break;
            case "Runtime.exceptionThrown":
                AddError("exception: " + parameters!["exceptionDetails"]!.ToJsonString());
                break;
            case "Log.entryAdded" when (string?)parameters!["entry"]!["level"] == "error":
                AddError("log: " + (string?)parameters!["entry"]!["text"] + " " + (string?)parameters["entry"]!["url"]);
                break;
            case "Network.requestWillBeSent":
                lock (_requests)
                {
                    _requests.Add((string)parameters!["request"]!["url"]!);
                }
                break;
        }
    }

    private void AddError(string text)
    {
        lock (_errors)
        {
            _errors.Add(text);
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await SendAsync("Browser.close").WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (Exception ex) when (ex is InvalidOperationException or TimeoutException or WebSocketException)
        {
            // Killed below either way.
        }
        if (!_process.WaitForExit(5000))
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }
        _socket.Dispose();
        await _receiving.WaitAsync(TimeSpan.FromSeconds(5)).ContinueWith(_ => { }, TaskScheduler.Default);
        _process.Dispose();
        try
        {
            Directory.Delete(_profile, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    [GeneratedRegex(@"DevTools listening on (ws://\S+)")]
    private static partial Regex DevToolsLine();
}

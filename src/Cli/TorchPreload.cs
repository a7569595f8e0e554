using TorchSharp;

namespace SeRanet.Video.Cli;

/// <summary>
/// Starts loading libtorch's native libraries on a worker thread on the program's first line,
/// for <c>seranet image</c>: the dynamic loader and libtorch's static initialisers (about a
/// quarter of a second) then run beside .NET's parsing of the command line instead of after it.
/// The command waits for the load (<see cref="Wait"/>) before anything else touches libtorch, so
/// the two never load it at once, and a failure to load surfaces there, as it would have anyway.
/// Other commands load libtorch when they first use it, as before: the video job already overlaps
/// the model's loading with probing the source.
/// </summary>
internal static class TorchPreload
{
    private static Task? _loading;

    public static void StartFor(string[] args)
    {
        if (args.Length > 0 && args[0] == Commands.ImageCommand.Name && !args.Contains("--help") && !args.Contains("-h") && !args.Contains("-?"))
        {
            _loading = Task.Run(() => torch.InitializeDeviceType(DeviceType.CPU));
        }
    }

    /// <summary>Returns once libtorch is loaded when <see cref="StartFor"/> started loading it; rethrows the load's failure.</summary>
    public static void Wait() => _loading?.GetAwaiter().GetResult();
}

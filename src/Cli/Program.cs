using System.CommandLine;
using SeRanet.Video.Cli;
using SeRanet.Video.Cli.Commands;
using SeRanet.Video.Cli.Console;

NativeHeap.TuneForLargeTensors();

var root = new RootCommand("SeRanet.Video: 2x and 4x super-resolution for videos and images with SeRanet networks.")
{
    UpscaleCommand.Create(),
    PreviewCommand.Create(),
    ImageCommand.Create(),
    TrainCommand.Create(),
    EvalCommand.Create(),
    ModelsCommand.Create(),
    FilterCommand.Create(),
    BenchCommand.Create(),
};
root.Options.Add(NumericsNotice.Verbose);

var invocation = new InvocationConfiguration
{
    // Ctrl-C cancels the token; give the encoder and the trainer time to finish their files.
    ProcessTerminationTimeout = TimeSpan.FromSeconds(30),
};
return await root.Parse(args).InvokeAsync(invocation);

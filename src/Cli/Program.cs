using System.CommandLine;
using SeRanet.Video.Cli;

NativeHeap.TuneForLargeTensors();
using var hangup = HangupAsTermination.Register();

var invocation = new InvocationConfiguration
{
    // Ctrl-C cancels the token; give the encoder and the trainer time to finish their files.
    ProcessTerminationTimeout = TimeSpan.FromSeconds(30),
};
return await SeranetCli.InvokeAsync(args, invocation);

using System.CommandLine;
using SeRanet.Video.Cli;

SingleArenaRestart.IfNeeded(args);
NativeHeap.TuneForLargeTensors();
TorchPreload.StartFor(args);
int exitCode;
using (HangupAsTermination.Register())
{
    var invocation = new InvocationConfiguration
    {
        // Ctrl-C cancels the token; give the encoder and the trainer time to finish their files.
        ProcessTerminationTimeout = TimeSpan.FromSeconds(30),
    };
    exitCode = await SeranetCli.InvokeAsync(args, invocation);
}
ExitWithoutTeardown.Now(exitCode);
return exitCode;

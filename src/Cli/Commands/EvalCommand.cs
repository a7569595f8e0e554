namespace SeRanet.Video.Cli.Commands; internal static class EvalCommand { public static System.CommandLine.Command Create() => new("eval", "todo"); }

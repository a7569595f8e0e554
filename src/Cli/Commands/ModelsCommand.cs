using System.CommandLine;
using SeRanet.Video.Upscaler.Weights;

namespace SeRanet.Video.Cli.Commands;

/// <summary><c>seranet models</c>: which models can be named with --model.</summary>
internal static class ModelsCommand
{
    public static Command Create()
    {
        var command = new Command("models", "List the models this build can load by name.");
        command.SetAction(_ =>
        {
            foreach (string name in ModelCatalog.Available())
            {
                System.Console.WriteLine(name == ModelCatalog.DefaultName ? $"{name} (default)" : name);
            }
            return 0;
        });
        return command;
    }
}

using System.CommandLine;
using System.Text.Json;
using SeRanet.Video.Upscaler;
using SeRanet.Video.Upscaler.Weights;

namespace SeRanet.Video.Cli.Commands;

/// <summary><c>seranet models</c>: which models can be named with --model.</summary>
internal static class ModelsCommand
{
    public static Command Create()
    {
        var json = CommonOptions.Json();
        var command = new Command("models", "List the models this build can load by name.") { json };
        command.SetAction(result =>
        {
            var names = ToolEnvironment.Models.Available();
            if (result.GetValue(json))
            {
                System.Console.WriteLine(JsonSerializer.Serialize(
                    new { @default = ModelCatalog.DefaultName, models = names.Select(name => new { name, @default = name == ModelCatalog.DefaultName }) },
                    ModelJson.Options));
                return ExitCodes.Success;
            }
            foreach (string name in names)
            {
                System.Console.WriteLine(name == ModelCatalog.DefaultName ? $"{name} (default)" : name);
            }
            return ExitCodes.Success;
        });
        return command;
    }
}

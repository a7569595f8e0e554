using System.CommandLine;
using System.Text.Json;
using SeRanet.Video.Upscaler;
using SeRanet.Video.Upscaler.Weights;

namespace SeRanet.Video.Cli.Commands;

/// <summary><c>seranet models</c>: which models can be named with --model.</summary>
internal static class ModelsCommand
{
    /// <summary>Which model each use takes when none is named.</summary>
    private static readonly (string Use, string Model)[] Defaults =
    [
        ("image", ModelCatalog.DefaultImageName),
        ("eval", ModelCatalog.DefaultImageName),
        ("upscale", ModelCatalog.DefaultVideoName),
        ("filter", ModelCatalog.DefaultName),
        ("preview", ModelCatalog.DefaultVideoName),
        ("bench", ModelCatalog.DefaultName),
        ("plugins", ModelCatalog.DefaultName),
    ];

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
                    new
                    {
                        defaults = Defaults.ToDictionary(d => d.Use, d => d.Model),
                        models = names.Select(name => new { name, default_for = Defaults.Where(d => d.Model == name).Select(d => d.Use).ToArray() }),
                    },
                    ModelJson.Options));
                return ExitCodes.Success;
            }
            foreach (string name in names)
            {
                var uses = Defaults.Where(d => d.Model == name).Select(d => d.Use).ToList();
                System.Console.WriteLine(uses.Count == 0 ? name : $"{name} (default for {string.Join(", ", uses)})");
            }
            return ExitCodes.Success;
        });
        return command;
    }
}

using System.CommandLine;
using System.Globalization;
using Spectre.Console;

namespace Sim.Cli.Commands;

/// <summary><c>sim envs</c>: lists the registered env ids with their spaces and limits.</summary>
public static class EnvsCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var command = new Command("envs", "List registered environments");
        command.SetAction(_ =>
        {
            var table = new Table().Border(TableBorder.Rounded)
                .AddColumns("id", "observation", "action", "max steps", "reward threshold");
            foreach (var id in Envs.Envs.Registry.Ids)
            {
                var spec = Envs.Envs.Registry.Spec(id);
                using var env = spec.Factory(1, Core.VectorEnvOptions.Default);
                table.AddRow(
                    Markup.Escape(id),
                    Markup.Escape(env.SingleObservationSpace.ToString() ?? ""),
                    Markup.Escape(env.SingleActionSpace.ToString() ?? ""),
                    spec.MaxEpisodeSteps?.ToString(CultureInfo.InvariantCulture) ?? "—",
                    spec.RewardThreshold?.ToString(CultureInfo.InvariantCulture) ?? "—");
            }
            AnsiConsole.Write(table);
            var aliases = Envs.Envs.Registry.Aliases.OrderBy(a => a.Key, StringComparer.Ordinal).Select(a => $"{a.Key} = {a.Value}");
            if (Envs.Envs.Registry.Aliases.Count > 0) Console.WriteLine("aliases: " + string.Join(", ", aliases));
            return 0;
        });
        return command;
    }
}

using System.CommandLine;
using Sim.Core.Registry;
using Spectre.Console;

namespace Sim.Cli.Commands;

/// <summary><c>sim check-env &lt;id or xml&gt;</c>: Gymnasium-style checks of an env (spaces, seeding, autoreset, finite
/// results, reward terms, save/restore); exit code 0 when all pass, 1 when one fails.</summary>
public static class CheckEnvCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var env = new Argument<string>("env") { Description = "A registered env id (see `sim envs`) or an MJCF file" };
        var envArgs = new Option<string[]>("--env-arg")
        {
            Description = "An env keyword argument, e.g. --env-arg frame_skip=2 (Gymnasium's v5 names)",
            AllowMultipleArgumentsPerToken = false,
        };
        var command = new Command("check-env", "Check that an env keeps the vector-env promises (like Gymnasium's check_env)") { env, envArgs };
        command.SetAction(parse =>
        {
            var report = Envs.Envs.Check(parse.GetValue(env)!, EnvArguments.Parse(parse.GetValue(envArgs) ?? []));
            var table = new Table().Border(TableBorder.Rounded).AddColumns("check", "result", "detail");
            foreach (var check in report.Checks)
                table.AddRow(Markup.Escape(check.Name), check.Passed ? "[green]pass[/]" : "[red]FAIL[/]", Markup.Escape(check.Detail));
            AnsiConsole.Write(table);
            Console.WriteLine(report.Passed ? $"{report.EnvName}: all {report.Checks.Count} checks passed" : $"{report.EnvName}: {report.Checks.Count(c => !c.Passed)} of {report.Checks.Count} checks failed");
            return report.Passed ? 0 : 1;
        });
        return command;
    }
}

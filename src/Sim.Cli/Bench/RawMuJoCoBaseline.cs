using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Sim.Cli.Bench;

/// <summary>Physics steps per second of MuJoCo's own C loop (mujoco-testspeed) on a model, the baseline for env throughput.</summary>
public static partial class RawMuJoCoBaseline
{
    /// <summary>The testspeed program shipped by Debian's libmujoco-samples.</summary>
    public const string Program = "mujoco-testspeed";

    /// <summary>Runs testspeed on the MJCF file <paramref name="path"/> for <paramref name="steps"/> single-threaded steps
    /// with control noise; null when testspeed is not installed.</summary>
    public static double? StepsPerSecond(string path, int steps, double controlNoise = 0.1)
    {
        {
            var psi = new ProcessStartInfo(Program)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            foreach (var a in new[] { path, steps.ToString(CultureInfo.InvariantCulture), "1", controlNoise.ToString(CultureInfo.InvariantCulture) })
                psi.ArgumentList.Add(a);
            Process process;
            try
            {
                process = Process.Start(psi)!;
            }
            catch (System.ComponentModel.Win32Exception)
            {
                return null;
            }
            using (process)
            {
                var output = process.StandardOutput.ReadToEnd();
                process.WaitForExit();
                var match = StepsPerSecondLine().Match(output);
                if (process.ExitCode != 0 || !match.Success)
                    throw new InvalidOperationException($"{Program} failed (exit {process.ExitCode}): {output}{process.StandardError.ReadToEnd()}");
                return double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
            }
        }
    }

    [GeneratedRegex(@"Steps per second\s*:\s*([0-9.]+)")]
    private static partial Regex StepsPerSecondLine();
}

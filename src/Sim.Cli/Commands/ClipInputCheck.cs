using System.Globalization;
using Sim.Core.Trajectories;
using Sim.Viewer.Clips;

namespace Sim.Cli.Commands;

/// <summary>Checks recorded segments before any clip is rendered: the env must be registered, and every frame a clip shows
/// must be finite, since MuJoCo draws a NaN or infinite pose as a black frame without a word.</summary>
public static class ClipInputCheck
{
    /// <summary>Throws, naming <paramref name="source"/>, the episode and the step, when a request cannot render properly.
    /// <paramref name="trajectories"/> (the file's, in order) gives episodes their position in the file; without it the
    /// trajectory's own episode index is named.</summary>
    public static void RequireRenderable(string source, IReadOnlyList<Trajectory>? trajectories, IReadOnlyList<ClipRequest> requests)
    {
        ArgumentNullException.ThrowIfNull(requests);
        var registered = new HashSet<string>(StringComparer.Ordinal);
        foreach (var request in requests)
        {
            var t = request.Trajectory;
            int position = trajectories is null ? -1 : IndexOf(trajectories, t);
            string episode = position >= 0
                ? position.ToString(CultureInfo.InvariantCulture)
                : t.EpisodeIndex.ToString(CultureInfo.InvariantCulture) + " of env " + t.EnvIndex.ToString(CultureInfo.InvariantCulture);
            if (registered.Add(t.EnvId))
            {
                try
                {
                    Envs.Envs.Registry.Spec(t.EnvId);
                }
                catch (KeyNotFoundException e)
                {
                    throw new ArgumentException($"{source} episode {episode} was recorded on an env this build cannot render: {e.Message}", e);
                }
            }
            bool physics = t.PhysicsStateSize > 0;
            for (int row = request.Start; row < request.Start + request.Length; row++)
            {
                ReadOnlySpan<double> state = physics ? t.PhysicsState(row) : default;
                ReadOnlySpan<float> observation = physics ? default : t.Observation(row);
                int bad = physics ? FirstNonFinite(state) : FirstNonFinite(observation);
                if (bad < 0) continue;
                double value = physics ? state[bad] : observation[bad];
                string what = physics ? "physics state" : "observation";
                throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture,
                    $"{source} episode {episode} step {t.FirstStep + row}: {what}[{bad}] = {value}: states must be finite to render (the physics diverged there); render other episodes, or an earlier part with --length"));
            }
        }
    }

    static int IndexOf(IReadOnlyList<Trajectory> trajectories, Trajectory t)
    {
        for (int i = 0; i < trajectories.Count; i++)
            if (ReferenceEquals(trajectories[i], t)) return i;
        return -1;
    }

    static int FirstNonFinite(ReadOnlySpan<double> values)
    {
        for (int i = 0; i < values.Length; i++)
            if (!double.IsFinite(values[i])) return i;
        return -1;
    }

    static int FirstNonFinite(ReadOnlySpan<float> values)
    {
        for (int i = 0; i < values.Length; i++)
            if (!float.IsFinite(values[i])) return i;
        return -1;
    }
}

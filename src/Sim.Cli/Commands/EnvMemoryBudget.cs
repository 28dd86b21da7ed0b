using System.Globalization;
using Sim.Core;
using Sim.Core.Wrappers;
using Sim.Envs.MuJoCo;

namespace Sim.Cli.Commands;

/// <summary>Estimates up front the memory a batch of envs (and what a command keeps per env step) needs, and refuses a
/// request that cannot fit in this machine's memory with a message, instead of letting the process die out of memory.</summary>
public static class EnvMemoryBudget
{
    // The size of MuJoCo 2.2.2's mjData struct itself (x86-64), besides the buffers it points to.
    const long MjDataStructBytes = 41_176;

    // Observation-sized float buffers a vector env and its wrappers keep per env (observations, final observations,
    // normaliser scratch and the learner's copies), rounded up: an estimate, meant to be within a small factor.
    const int ObservationCopies = 16;

    /// <summary>Bytes one env of <paramref name="probe"/> (a one-env instance) takes: its buffers and, for MuJoCo, its physics data.</summary>
    public static long BytesPerEnv(IVectorEnv probe)
    {
        ArgumentNullException.ThrowIfNull(probe);
        long floats = (long)ObservationCopies * probe.SingleObservationSpace.FlatSize + 4L * probe.SingleActionSpace.FlatSize + 32;
        long bytes = floats * sizeof(float);
        var physics = probe as MuJoCoVectorEnv ?? (probe as VectorEnvWrapper)?.Find<MuJoCoVectorEnv>();
        if (physics is not null)
        {
            var data = physics.Data(0);
            bytes += (long)data.nstack * sizeof(double) + data.nbuffer + MjDataStructBytes;
        }
        return bytes;
    }

    /// <summary>Throws, naming <paramref name="request"/> (e.g. <c>--num-envs = 100000000</c>), when <paramref name="numEnvs"/>
    /// envs like <paramref name="probe"/> plus <paramref name="otherBytes"/> need more than this machine's memory.</summary>
    public static void Require(string request, string envId, IVectorEnv probe, long numEnvs, double otherBytes = 0)
    {
        ArgumentNullException.ThrowIfNull(probe);
        // Batch buffers are single arrays of numEnvs × size elements, which .NET caps at Array.MaxLength.
        long widest = Math.Max(probe.SingleObservationSpace.FlatSize, probe.SingleActionSpace.FlatSize);
        if (numEnvs * widest > Array.MaxLength)
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"{request}: {numEnvs:N0} envs × {widest} values per env exceed the {Array.MaxLength:N0} elements one batch buffer can hold: expected at most {Array.MaxLength / widest:N0} envs of {envId}"));
        long perEnv = BytesPerEnv(probe);
        double needed = (double)perEnv * numEnvs + otherBytes;
        long available = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        if (needed <= available) return;
        long fitting = Math.Max(0, (long)((available - otherBytes) / perEnv));
        throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
            $"{request}: {envId} needs about {Gigabytes(needed)} for {numEnvs:N0} envs ({perEnv:N0} bytes each{(otherBytes > 0 ? $", plus {Gigabytes(otherBytes)} of buffers" : "")}), more than the {Gigabytes(available)} of memory here: expected a request that fits{(fitting > 0 ? $", e.g. at most {fitting:N0} envs" : "")}"));
    }

    static string Gigabytes(double bytes) => string.Create(CultureInfo.InvariantCulture, $"{bytes / (1L << 30):N1} GB");
}

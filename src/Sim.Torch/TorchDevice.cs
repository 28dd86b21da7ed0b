using System.Globalization;
using TorchSharp;

namespace Sim.Torch;

/// <summary>Turns a device name from the command line or a config ("cpu", "cuda", "cuda:N") into a torch device.</summary>
public static class TorchDevice
{
    private const string ExpectedForms = "expected \"cpu\", \"cuda\" or \"cuda:N\" (N = device index, e.g. cuda:0)";

    /// <summary>
    /// Parses <paramref name="name"/> (case-insensitive). Throws <see cref="ArgumentException"/> for a name
    /// that is not a device, and <see cref="InvalidOperationException"/> when CUDA is asked for but this
    /// process cannot use it, so that a run fails at start-up rather than at its first tensor.
    /// </summary>
    public static torch.Device Parse(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        string text = name.Trim().ToLowerInvariant();
        if (text == "cpu")
        {
            return torch.CPU;
        }
        if (text == "cuda")
        {
            RequireCuda(name, 0);
            return torch.CUDA;
        }
        if (text.StartsWith("cuda:", StringComparison.Ordinal))
        {
            string index = text["cuda:".Length..];
            if (!int.TryParse(index, NumberStyles.None, CultureInfo.InvariantCulture, out int device))
            {
                throw new ArgumentException($"Unknown device \"{name}\": the index \"{index}\" is not a non-negative integer; {ExpectedForms}.", nameof(name));
            }
            RequireCuda(name, device);
            return new torch.Device(DeviceType.CUDA, device);
        }
        throw new ArgumentException($"Unknown device \"{name}\"; {ExpectedForms}.", nameof(name));
    }

    private static void RequireCuda(string name, int device)
    {
        if (!torch.cuda.is_available())
        {
            throw new InvalidOperationException(
                $"Device \"{name}\" was asked for, but CUDA is not available (torch.cuda.is_available() is false). " +
                "Use \"cpu\", or run a build made with -p:TorchBackend=cuda on a machine with an NVIDIA GPU and driver.");
        }
        int count = torch.cuda.device_count();
        if (device >= count)
        {
            throw new InvalidOperationException($"Device \"{name}\" was asked for, but only {count} CUDA device(s) exist (cuda:0 to cuda:{count - 1}).");
        }
    }
}

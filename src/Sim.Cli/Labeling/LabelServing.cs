namespace Sim.Cli.Labeling;

/// <summary>How <c>sim train --teacher human</c> serves its labeling page.</summary>
/// <param name="Port">Port on 127.0.0.1; 0 for any free port; -1 to serve none (a separate <c>sim label --run</c> serves the same file).</param>
/// <param name="ClipSize">Clip width and height in pixels.</param>
internal sealed record LabelServing(int Port, int ClipSize)
{
    /// <summary>Throws naming the bad option.</summary>
    public void Validate()
    {
        if (Port is < -1 or > 65535) throw new ArgumentException($"--label-port = {Port}: expected 0..65535, 0 for any free port, or -1 to serve no page");
        if (ClipSize is < 16 or > 2048 || ClipSize % 2 != 0) throw new ArgumentException($"--label-clip-size = {ClipSize}: expected an even number of pixels in 16..2048");
    }
}

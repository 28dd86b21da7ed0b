using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace Sim.Learning.Replay;

/// <summary>A float32 device tensor with a host staging buffer that is filled in place and uploaded with one copy.</summary>
/// <remarks>
/// On the CPU the staging memory is the tensor itself, so filling it is the whole transfer. On a GPU the staging
/// tensor is pinned, and the upload is a synchronous copy: the next fill reuses the same host memory, so an
/// asynchronous copy could still be reading it.
/// </remarks>
internal sealed class StagedTensor : IDisposable
{
    private readonly Tensor _host;
    private bool _disposed;

    /// <summary>Allocates a <paramref name="shape"/> tensor on <paramref name="device"/> and its host staging memory.</summary>
    public StagedTensor(Device device, params long[] shape)
    {
        ArgumentNullException.ThrowIfNull(device);
        using var scope = NewDisposeScope();
        bool onCpu = device.type == DeviceType.CPU;
        var host = empty(shape, ScalarType.Float32, CPU);
        _host = onCpu ? host : host.pin_memory();
        Device = onCpu ? _host : empty(shape, ScalarType.Float32, device);
        // Kept past the scope, which frees only the unpinned original on a GPU run.
        _host.DetachFromDisposeScope();
        if (!onCpu) Device.DetachFromDisposeScope();
        Length = checked((int)_host.numel());
    }

    /// <summary>The tensor on the target device; valid until the next <see cref="Upload"/> overwrites it.</summary>
    public Tensor Device { get; }

    /// <summary>Floats in the tensor.</summary>
    public int Length { get; }

    /// <summary>The host staging memory, row-major; write here, then call <see cref="Upload"/>.</summary>
    /// <remarks>A view of the tensor's own memory (the host tensor is contiguous and on the CPU), not a copy.</remarks>
    public Span<float> Host
    {
        get
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return MemoryMarshal.Cast<byte, float>(_host.bytes);
        }
    }

    /// <summary>Makes <see cref="Device"/> equal to the staging memory (a no-op on the CPU).</summary>
    public void Upload()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (ReferenceEquals(Device, _host)) return;
        using var scope = NewDisposeScope();
        Device.copy_(_host, false);
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        if (!ReferenceEquals(Device, _host)) Device.Dispose();
        _host.Dispose();
    }
}

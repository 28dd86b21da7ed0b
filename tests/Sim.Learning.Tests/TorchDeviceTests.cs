using Sim.Torch;
using TorchSharp;

namespace Sim.Learning.Tests;

/// <summary>Tests parsing of device names into torch devices.</summary>
public sealed class TorchDeviceTests
{
    [Theory]
    [InlineData("cpu")]
    [InlineData(" CPU ")]
    public void Cpu_parses(string name)
    {
        Assert.Equal(DeviceType.CPU, TorchDevice.Parse(name).type);
    }

    [Theory]
    [InlineData("gpu")]
    [InlineData("cuda:x")]
    [InlineData("cuda:-1")]
    [InlineData("")]
    public void Unknown_names_are_rejected_with_the_expected_forms(string name)
    {
        var error = Assert.Throws<ArgumentException>(() => TorchDevice.Parse(name));
        Assert.Contains($"\"{name}\"", error.Message);
        Assert.Contains("\"cpu\"", error.Message);
        Assert.Contains("\"cuda\"", error.Message);
        Assert.Contains("\"cuda:N\"", error.Message);
    }

    [Theory]
    [InlineData("cuda")]
    [InlineData("cuda:0")]
    public void Cuda_parses_or_explains_why_not(string name)
    {
        if (torch.cuda.is_available())
        {
            Assert.Equal(DeviceType.CUDA, TorchDevice.Parse(name).type);
            return;
        }
        var error = Assert.Throws<InvalidOperationException>(() => TorchDevice.Parse(name));
        Assert.Contains("CUDA is not available", error.Message);
        Assert.Contains(name, error.Message);
    }
}

namespace Sim.Rewards.Robot;

/// <summary>The shape of a <see cref="StepRewardEncoder"/>; the defaults are PEBBLE's network:
/// (obs‖act) → 3×[Linear 256 + LeakyReLU] → Linear 1 → tanh.</summary>
/// <param name="ObservationSize">Floats per observation row.</param>
/// <param name="ActionSize">Floats per action row (0 for a state-only reward).</param>
/// <param name="HiddenSize">Units per hidden layer.</param>
/// <param name="HiddenLayers">Hidden layers (0 gives a linear model).</param>
/// <param name="Activation">Nonlinearity after each hidden layer.</param>
/// <param name="LeakySlope">Slope below zero of <see cref="StepActivation.LeakyRelu"/> (PyTorch's default 0.01).</param>
/// <param name="TanhOutput">Whether the step reward is squashed to (−1, 1), as in PEBBLE.</param>
public sealed record StepEncoderConfig(
    int ObservationSize,
    int ActionSize,
    int HiddenSize = 256,
    int HiddenLayers = 3,
    StepActivation Activation = StepActivation.LeakyRelu,
    double LeakySlope = 0.01,
    bool TanhOutput = true)
{
    /// <summary>Floats per step row, obs‖act.</summary>
    public int InputSize => ObservationSize + ActionSize;

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first field out of range.</summary>
    public void Validate()
    {
        if (ObservationSize < 1) throw new ArgumentOutOfRangeException(nameof(ObservationSize), ObservationSize, $"ObservationSize = {ObservationSize}: expected at least 1");
        if (ActionSize < 0) throw new ArgumentOutOfRangeException(nameof(ActionSize), ActionSize, $"ActionSize = {ActionSize}: expected at least 0");
        if (HiddenLayers < 0) throw new ArgumentOutOfRangeException(nameof(HiddenLayers), HiddenLayers, $"HiddenLayers = {HiddenLayers}: expected at least 0");
        if (HiddenLayers > 0 && HiddenSize < 1) throw new ArgumentOutOfRangeException(nameof(HiddenSize), HiddenSize, $"HiddenSize = {HiddenSize}: expected at least 1");
        if (!Enum.IsDefined(Activation)) throw new ArgumentOutOfRangeException(nameof(Activation), Activation, "expected LeakyRelu, Relu or Tanh");
        if (!(LeakySlope >= 0 && LeakySlope < 1)) throw new ArgumentOutOfRangeException(nameof(LeakySlope), LeakySlope, $"LeakySlope = {LeakySlope}: expected a slope in [0, 1)");
    }
}

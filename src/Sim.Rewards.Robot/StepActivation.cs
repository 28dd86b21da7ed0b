namespace Sim.Rewards.Robot;

/// <summary>The nonlinearity after each hidden layer of a <see cref="StepRewardEncoder"/>.</summary>
public enum StepActivation
{
    /// <summary>Leaky ReLU with slope <see cref="StepEncoderConfig.LeakySlope"/> below zero (PEBBLE).</summary>
    LeakyRelu,

    /// <summary>ReLU.</summary>
    Relu,

    /// <summary>tanh.</summary>
    Tanh,
}

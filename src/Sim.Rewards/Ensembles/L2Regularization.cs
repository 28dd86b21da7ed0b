namespace Sim.Rewards.Ensembles;

/// <summary>How the members' weights are kept small.</summary>
public enum L2Regularization
{
    /// <summary>No penalty (PEBBLE).</summary>
    None,

    /// <summary>A fixed L2 penalty: Adam's coupled weight decay with coefficient <see cref="EnsembleConfig.L2Coefficient"/>.</summary>
    WeightDecay,

    /// <summary>Christiano et al.'s scheme: hold out 1/e of the labels, and after every epoch scale each member's L2
    /// coefficient up (×1.2) when its validation loss exceeds 1.5× its training loss and down (÷1.2) when it is below 1.1×.
    /// With fewer than 2 trainable pairs nothing can be held out, and the round trains on all of them at the current coefficient.</summary>
    Adaptive,
}

namespace Sim.Rewards.Robot.Dynamics;

/// <summary>The parts of a <see cref="DynamicsRewardEncoder"/> beyond its trunk; the defaults are REED's for DMC walker
/// (apple/ml-reed: state embedding 20, action embedding 10, projection 20).</summary>
/// <param name="StateEmbedding">Outputs of the state encoder f_s (Linear + LeakyReLU).</param>
/// <param name="ActionEmbedding">Outputs of the action encoder f_a (Linear + LeakyReLU).</param>
/// <param name="ProjectionSize">Outputs of the projector the predicted and the real next-state embeddings are compared in.</param>
/// <param name="PredictorHidden">Hidden units of SimSiam's two-layer predictor on the projection.</param>
/// <param name="StandardizeStates">Whether states are standardised before f_s with statistics fitted on each auxiliary
/// phase's transitions (<see cref="StateStandardizer"/>); REED feeds them as they are.</param>
public sealed record DynamicsEncoderConfig(
    int StateEmbedding = 20,
    int ActionEmbedding = 10,
    int ProjectionSize = 20,
    int PredictorHidden = 64,
    bool StandardizeStates = false)
{
    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first field out of range.</summary>
    public void Validate()
    {
        AtLeastOne(StateEmbedding, nameof(StateEmbedding));
        AtLeastOne(ActionEmbedding, nameof(ActionEmbedding));
        AtLeastOne(ProjectionSize, nameof(ProjectionSize));
        AtLeastOne(PredictorHidden, nameof(PredictorHidden));
    }

    static void AtLeastOne(int value, string name)
    {
        if (value < 1) throw new ArgumentOutOfRangeException(name, value, $"{name} = {value}: expected at least 1 unit");
    }
}

namespace Sim.Alignment.Studies;

/// <summary>Where the overoptimisation study's reward-model members start: the distinction Eisenstein et al. draw
/// between ensembles whose members differ only in fine-tuning and ensembles whose members differ in pretraining too.</summary>
public enum MemberStart
{
    /// <summary>Each member from its own random weights, with no language-model training before the reward model's.</summary>
    Fresh,

    /// <summary>Every member's trunk from one language model trained (SFT) on the corpus: members differ only in their
    /// heads' initial weights and data order (a fine-tune ensemble).</summary>
    SharedSft,

    /// <summary>Each member's trunk from a language model of its own, trained (SFT) on the corpus from its own seed (a
    /// pretrain ensemble). Member 1's start is the <see cref="SharedSft"/> model.</summary>
    OwnSft,
}

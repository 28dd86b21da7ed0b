namespace Sim.Learning.Oni;

/// <summary>How ONI turns the LLM's answers about captions into an intrinsic reward (Zheng et al.).</summary>
public enum OniRewardModelKind
{
    /// <summary>A table look-up of the LLM's yes (1) / no (0) per caption; 0 until the caption is answered.</summary>
    Retrieval,

    /// <summary>A small network trained with the reward core's pointwise (BCE) objective on the LLM's labels; reward = 1[p &gt; 0.5],
    /// so captions not yet answered are scored by what the network learned from similar ones.</summary>
    Classification,

    /// <summary>Bradley–Terry on caption pairs the LLM ranked, normalised by a running mean and std, values below −0.5 set to 0.</summary>
    Ranking,
}

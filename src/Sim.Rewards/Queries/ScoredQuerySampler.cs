using Sim.Foundation;

namespace Sim.Rewards.Queries;

/// <summary>Base of the active samplers: draws a candidate pool <see cref="CandidateFactor"/> times larger than the round,
/// scores every candidate from the ensemble's predictions, and keeps the highest scores.</summary>
public abstract class ScoredQuerySampler<TItem> : IQuerySampler<TItem>
{
    /// <summary>A sampler that ranks candidates by <paramref name="predictor"/>'s predictions.</summary>
    protected ScoredQuerySampler(IPreferencePredictor<TItem> predictor, int candidateFactor)
    {
        ArgumentNullException.ThrowIfNull(predictor);
        if (candidateFactor < 1)
            throw new ArgumentOutOfRangeException(nameof(candidateFactor), candidateFactor, $"candidate factor is {candidateFactor}: expected at least 1");
        Predictor = predictor;
        CandidateFactor = candidateFactor;
    }

    /// <inheritdoc/>
    public abstract string Name { get; }

    /// <summary>The ensemble whose predictions rank the candidates.</summary>
    public IPreferencePredictor<TItem> Predictor { get; }

    /// <summary>Candidates drawn per pair asked for.</summary>
    public int CandidateFactor { get; }

    /// <summary>The score of one candidate from its members' predictions P_m(left ≻ right); higher is asked first.</summary>
    /// <param name="probabilities">One prediction per member.</param>
    protected abstract double Score(ReadOnlySpan<float> probabilities);

    /// <inheritdoc/>
    public IReadOnlyList<ItemPair<TItem>> Select(IItemSource<TItem> source, int count, ref SimRandom random)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (count < 0) throw new ArgumentOutOfRangeException(nameof(count), count, $"count is {count}: expected >= 0");
        var pool = new UniformQuerySampler<TItem>().Select(source, checked(count * CandidateFactor), ref random);
        return SelectFromPool(pool, count);
    }

    /// <summary>The <paramref name="count"/> candidates of <paramref name="pool"/> with the highest scores, best first;
    /// ties keep pool order.</summary>
    public IReadOnlyList<ItemPair<TItem>> SelectFromPool(IReadOnlyList<ItemPair<TItem>> pool, int count)
    {
        ArgumentNullException.ThrowIfNull(pool);
        if (count < 0 || count > pool.Count)
            throw new ArgumentOutOfRangeException(nameof(count), count, $"count is {count}: expected a value in [0, {pool.Count}] (the pool size)");
        var scores = ScorePool(pool);
        var order = new int[pool.Count];
        for (int i = 0; i < order.Length; i++) order[i] = i;
        // Array.Sort is not stable, so the index breaks ties to make the choice reproducible.
        Array.Sort(order, (a, b) => scores[a] != scores[b] ? scores[b].CompareTo(scores[a]) : a.CompareTo(b));
        var chosen = new ItemPair<TItem>[count];
        for (int i = 0; i < count; i++) chosen[i] = pool[order[i]];
        return chosen;
    }

    /// <summary>The score of every candidate in <paramref name="pool"/>, in pool order.</summary>
    public double[] ScorePool(IReadOnlyList<ItemPair<TItem>> pool)
    {
        ArgumentNullException.ThrowIfNull(pool);
        int n = pool.Count, members = Predictor.MemberCount;
        if (members < 1) throw new InvalidOperationException($"the predictor has {members} members: expected at least 1");
        var left = new TItem[n];
        var right = new TItem[n];
        for (int i = 0; i < n; i++) (left[i], right[i]) = pool[i];
        var probabilities = new float[members * n];
        Predictor.PredictPreferences(left, right, probabilities);

        var scores = new double[n];
        var column = new float[members];
        for (int i = 0; i < n; i++)
        {
            for (int m = 0; m < members; m++)
            {
                float p = probabilities[m * n + i];
                if (!(p >= 0 && p <= 1))
                    throw new InvalidOperationException($"member {m} predicted P = {p} for candidate {i}: expected a probability in [0, 1]");
                column[m] = p;
            }
            scores[i] = Score(column);
        }
        return scores;
    }
}

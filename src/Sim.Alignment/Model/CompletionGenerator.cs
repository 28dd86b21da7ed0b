using Sim.Alignment.Tokenization;
using Sim.Foundation;
using TorchSharp;
using static Sim.Torch.TorchScalars;
using static TorchSharp.torch;

namespace Sim.Alignment.Model;

/// <summary>Samples completions for a batch of prompts from a <see cref="CausalTransformer"/>, with or without a
/// <see cref="KvCache"/>.</summary>
/// <remarks>
/// <para>Prompts are left-padded so that every row's next token lands in the same column; a key mask hides the padding
/// and each row's positions start at 0 at its BOS, so a row is decoded exactly as it would be alone. A row stops at EOS
/// (which is not returned) or after <see cref="SamplingOptions.MaxNewTokens"/>.</para>
/// <para>Without the cache every step runs the whole sequence again (O(n²) per token over n tokens); with it a step runs
/// only the new token against the cached keys and values. Both compute the same logits.</para>
/// </remarks>
public static class CompletionGenerator
{
    /// <summary>The name of the random stream the draws come from, derived from <see cref="SamplingOptions.Seed"/>.</summary>
    public const string SamplingStream = "completion-sampling";

    /// <summary>The completion of each prompt (ids after the prompt, without EOS), in order.</summary>
    /// <exception cref="ArgumentException">When a prompt with its BOS leaves no room in the context for a token.</exception>
    public static int[][] Generate(CausalTransformer model, IReadOnlyList<int[]> prompts, SamplingOptions options)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(prompts);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (prompts.Count == 0) return [];
        int context = model.Config.ContextLength;
        for (int i = 0; i < prompts.Count; i++)
        {
            ArgumentNullException.ThrowIfNull(prompts[i], $"prompts[{i}]");
            if (prompts[i].Length + 1 >= context)
                throw new ArgumentException(
                    $"prompt {i} has {prompts[i].Length} tokens (+ BOS = {prompts[i].Length + 1}): longer than the context of {context} allows, which must leave room for at least one completion token", nameof(prompts));
        }
        int batch = prompts.Count;
        int longestPrompt = prompts.Max(p => p.Length) + 1;
        int steps = Math.Min(options.MaxNewTokens, context - longestPrompt);
        var device = model.parameters().First().device;
        using var generator = new Generator(SeedDerivation.Derive(options.Seed, SamplingStream), CPU);
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();

        var promptIds = new long[batch * longestPrompt];
        var promptMask = new float[batch * longestPrompt];
        for (int row = 0; row < batch; row++)
        {
            int pad = longestPrompt - prompts[row].Length - 1;
            promptIds[row * longestPrompt + pad] = BpeTokenizer.BosId;
            promptMask[row * longestPrompt + pad] = 1;
            for (int t = 0; t < prompts[row].Length; t++)
            {
                promptIds[row * longestPrompt + pad + 1 + t] = prompts[row][t];
                promptMask[row * longestPrompt + pad + 1 + t] = 1;
            }
        }
        var ids = tensor(promptIds, new long[] { batch, longestPrompt }).to(device);
        var mask = tensor(promptMask, new long[] { batch, longestPrompt }).to(device);
        // Padding sits at position 0 with the BOS; it is masked, so the clash changes nothing.
        var positions = mask.cumsum(1).sub(One).clamp_min(Zero).to_type(ScalarType.Int64);
        using var cache = options.UseKvCache ? new KvCache(model.Config, batch, longestPrompt + steps, device) : null;

        var completions = Enumerable.Range(0, batch).Select(_ => new List<int>()).ToArray();
        var finished = new bool[batch];
        var logits = model.Forward(ids, positions, mask, cache).select(1, -1);
        for (int step = 0; step < steps; step++)
        {
            var drawn = NextTokenSampler.Sample(logits, options, generator).cpu();
            var host = drawn.data<long>().ToArray();
            bool all = true;
            for (int row = 0; row < batch; row++)
            {
                if (finished[row]) continue;
                if (host[row] == BpeTokenizer.EosId) finished[row] = true;
                else completions[row].Add((int)host[row]);
                all &= finished[row];
            }
            if (all || step == steps - 1) break;
            using var stepScope = NewDisposeScope();
            var next = drawn.to(device).unsqueeze(1);
            var nextPosition = positions.narrow(1, positions.shape[1] - 1, 1).add(One, One);
            var stepMask = ones(batch, 1, device: device);
            ids = cat(new[] { ids, next }, 1);
            mask = cat(new[] { mask, stepMask }, 1);
            positions = cat(new[] { positions, nextPosition }, 1);
            logits = cache is null
                ? model.Forward(ids, positions, mask, null).select(1, -1)
                : model.Forward(next, nextPosition, mask, cache).select(1, -1);
            foreach (var kept in new[] { ids, mask, positions, logits }) kept.MoveToOuterDisposeScope();
        }
        return completions.Select(c => c.ToArray()).ToArray();
    }
}

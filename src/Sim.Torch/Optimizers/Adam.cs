using TorchSharp;
using TorchSharp.Modules;
using static Sim.Torch.TorchScalars;
using static TorchSharp.torch;

namespace Sim.Torch.Optimizers;

/// <summary>TorchSharp's Adam (Kingma and Ba 2015) with the same arithmetic and state, whose step never lets libtorch read a freed <see cref="Scalar"/>.</summary>
/// <remarks>
/// <para>TorchSharp 0.107's <see cref="TorchSharp.Modules.Adam.step"/> converts β, 1 − β, ε and the step size to temporary
/// Scalars inside native calls, where a garbage collection on another thread can finalize them mid-call (see
/// <see cref="TorchScalars"/>); a training run makes millions of such calls, so it eventually crashes. This step does the
/// same operations in the same order with every Scalar held until the calls that read it have returned.</para>
/// <para>The class keeps the name <c>Adam</c> because TorchSharp writes the optimizer's type name into its saved state and
/// refuses to load state saved under another name: so checkpoints written before this class existed still resume, and
/// its checkpoints load into <see cref="TorchSharp.Modules.Adam"/>.</para>
/// </remarks>
public sealed class Adam : TorchSharp.Modules.Adam
{
    /// <summary>Optimizes <paramref name="parameters"/> with the same options and defaults as <c>torch.optim.Adam</c>.</summary>
    public Adam(IEnumerable<Parameter> parameters, double lr = 0.001, double beta1 = 0.9, double beta2 = 0.999,
        double eps = 1e-8, double weightDecay = 0.0, bool amsgrad = false, bool maximize = false)
        : base(parameters, lr, beta1, beta2, eps, weightDecay, amsgrad, maximize)
    {
    }

    /// <summary>One Adam update of every parameter that has a gradient.</summary>
    public override Tensor step(Func<Tensor>? closure = null) => _step<ParamGroup>(UpdateGroup, closure);

    private void UpdateGroup(ParamGroup group)
    {
        var options = group.Options;
        double beta1 = options.beta1!.Value;
        double beta2 = options.beta2!.Value;
        double weightDecay = options.weight_decay!.Value;
        bool amsgrad = options.amsgrad!.Value;
        bool maximize = options.maximize!.Value;
        double learningRate = options.LearningRate!.Value;
        using var beta1Scalar = beta1.ToScalar();
        using var beta2Scalar = beta2.ToScalar();
        using var gradientWeight = (1.0 - beta1).ToScalar();
        using var squareWeight = (1.0 - beta2).ToScalar();
        using var epsilon = options.eps!.Value.ToScalar();
        using var decay = weightDecay.ToScalar();
        foreach (var parameter in group.Parameters)
        {
            var state = (State)_state[parameter.Handle];
            var grad = parameter.grad;
            if (grad is null) continue;
            if (maximize) grad = -grad;
            state.step++;
            double biasCorrection1 = 1.0 - Math.Pow(beta1, state.step);
            double biasCorrection2 = 1.0 - Math.Pow(beta2, state.step);
            using var rootBiasCorrection2 = Math.Sqrt(biasCorrection2).ToScalar();
            using var stepSize = (0.0 - learningRate / biasCorrection1).ToScalar();
            if (weightDecay != 0.0) grad = grad.add(parameter, decay);
            state.exp_avg.mul_(beta1Scalar).add_(grad, gradientWeight);
            state.exp_avg_sq.mul_(beta2Scalar).addcmul_(grad, grad.conj(), squareWeight);
            Tensor secondMoment = state.exp_avg_sq;
            if (amsgrad)
            {
                var previousMax = state.max_exp_avg_sq;
                state.max_exp_avg_sq = maximum(previousMax, state.exp_avg_sq).DetachFromDisposeScope();
                previousMax.Dispose();
                secondMoment = state.max_exp_avg_sq;
            }
            var denominator = secondMoment.sqrt().div(rootBiasCorrection2).add_(epsilon, One);
            parameter.addcdiv_(state.exp_avg, denominator, stepSize);
        }
    }
}

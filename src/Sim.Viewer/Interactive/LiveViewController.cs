using System.Globalization;
using System.Text;
using Sim.Viewer.Rendering;
using Sim.Viewer.Replay;
using static Sim.Viewer.Native.GlfwNative;

namespace Sim.Viewer.Interactive;

/// <summary>The live viewer: runs a <see cref="LiveSimulation"/> in real time (times a speed factor) and shows one of its
/// envs, with pause, single steps forwards and backwards through the history, reset and env switching.</summary>
public sealed class LiveViewController : ViewerController
{
    const int MaxStepsPerFrame = 200;
    double _pending;
    int _speed = Array.IndexOf(Speeds, 1.0);
    readonly Action? _beforeStep;

    /// <summary>Shows <paramref name="simulation"/> (owned: disposed with the controller) on <paramref name="stage"/>, a
    /// stage of the same env id.</summary>
    /// <param name="simulation">The envs to run.</param>
    /// <param name="stage">One-env stage the shown frame is put on (<see cref="TrajectoryScene.ForEnv"/>).</param>
    /// <param name="renderer">Renderer for the stage's model.</param>
    /// <param name="outputDirectory">Where screenshots and recordings go.</param>
    /// <param name="beforeStep">Called before each batch of steps (e.g. to take newer policy weights).</param>
    /// <param name="ffmpeg">The ffmpeg executable.</param>
    public LiveViewController(LiveSimulation simulation, TrajectoryScene stage, MjRenderer renderer, string outputDirectory,
        Action? beforeStep = null, string ffmpeg = "ffmpeg") : base(stage, renderer, outputDirectory, ffmpeg)
    {
        Simulation = simulation ?? throw new ArgumentNullException(nameof(simulation));
        if (simulation.EnvId != stage.EnvId)
            throw new ArgumentException($"simulation of '{simulation.EnvId}' cannot be shown on a stage of '{stage.EnvId}'", nameof(stage));
        _beforeStep = beforeStep;
    }

    /// <summary>The envs run.</summary>
    public LiveSimulation Simulation { get; }

    /// <summary>Which env is shown.</summary>
    public int ShownEnv { get; private set; }

    /// <summary>Whether the simulation is paused.</summary>
    public bool Paused { get; private set; }

    /// <summary>How many steps back in the history the shown frame is (0: the live state).</summary>
    public int HistoryBack { get; private set; }

    /// <summary>Simulated time per wall-clock time.</summary>
    public double Speed => Speeds[_speed];

    /// <summary>Copies the physics state on stage (the shown env at the shown step) into <paramref name="destination"/>.</summary>
    public void GetShownPhysicsState(Span<double> destination)
    {
        PrepareStage();
        Stage.GetPhysicsState(destination);
    }

    protected override bool OnSceneKey(int key, int mods)
    {
        switch (key)
        {
            case GLFW_KEY_SPACE:
                Paused = !Paused;
                if (!Paused) HistoryBack = 0; // running continues from the live state
                _pending = 0;
                return true;
            case GLFW_KEY_RIGHT:
                if (!Paused)
                {
                    Say("single steps need a pause first (space)");
                    return false;
                }
                if (HistoryBack > 0) HistoryBack--;
                else StepOnce();
                return true;
            case GLFW_KEY_LEFT:
                Paused = true;
                if (HistoryBack + 1 >= Simulation.HistoryCount)
                {
                    Say($"no earlier step in the history ({Simulation.HistoryCount} kept)");
                    return false;
                }
                HistoryBack++;
                return true;
            case GLFW_KEY_BACKSPACE:
                Simulation.Reset();
                HistoryBack = 0;
                _pending = 0;
                Say("reset");
                return true;
            case GLFW_KEY_MINUS:
            case GLFW_KEY_KP_SUBTRACT:
                _speed = Math.Max(0, _speed - 1);
                return true;
            case GLFW_KEY_EQUAL:
            case GLFW_KEY_KP_ADD:
                _speed = Math.Min(Speeds.Length - 1, _speed + 1);
                return true;
            case GLFW_KEY_RIGHT_BRACKET:
            case GLFW_KEY_PAGE_DOWN:
                ShownEnv = (ShownEnv + 1) % Simulation.NumEnvs;
                return true;
            case GLFW_KEY_LEFT_BRACKET:
            case GLFW_KEY_PAGE_UP:
                ShownEnv = (ShownEnv - 1 + Simulation.NumEnvs) % Simulation.NumEnvs;
                return true;
            default:
                return false;
        }
    }

    void StepOnce()
    {
        _beforeStep?.Invoke();
        Simulation.Step();
    }

    protected override void AdvanceScene(double seconds)
    {
        if (Paused) return;
        _pending += seconds * Speed;
        int steps = (int)Math.Floor(_pending / Simulation.StepSeconds);
        if (steps <= 0) return;
        _pending -= steps * Simulation.StepSeconds;
        // A slow machine must not fall ever further behind: the rest of a long frame is dropped.
        if (steps > MaxStepsPerFrame)
        {
            steps = MaxStepsPerFrame;
            _pending = 0;
        }
        _beforeStep?.Invoke();
        for (int i = 0; i < steps; i++) Simulation.Step();
    }

    protected override void PrepareStage()
    {
        if (Stage.PhysicsStateSize > 0) Stage.ShowPhysicsState(Simulation.PhysicsState(HistoryBack, ShownEnv));
        else Stage.ShowObservation(Simulation.Observation(HistoryBack, ShownEnv));
    }

    protected override OverlayText Statistics()
    {
        var s = Simulation.Stats(HistoryBack, ShownEnv);
        var labels = new StringBuilder();
        var values = new StringBuilder();
        void Line(string label, string value)
        {
            labels.Append(label).Append('\n');
            values.Append(value).Append('\n');
        }
        Line("Env", $"{Simulation.EnvId}  |  {ShownEnv + 1} of {Simulation.NumEnvs}");
        Line("Policy", Simulation.ActionDescription);
        Line("Step", s.Step.ToString(CultureInfo.InvariantCulture));
        bool learned = Simulation.LearnedRewardName != null;
        Line("Reward", learned ? $"{Number(s.Reward)}   learned {Number(s.LearnedReward)}" : Number(s.Reward));
        Line("Return", learned ? $"{Number(s.Return, "0.00")}   learned {Number(s.LearnedReturn, "0.00")}" : Number(s.Return, "0.00"));
        for (int t = 0; t < Simulation.RewardTerms.Count; t++)
            Line("  " + Simulation.RewardTerms[t], Number(Simulation.RewardTerm(HistoryBack, ShownEnv, t)));
        if (Simulation.HasCaptions) Line("Event", CaptionText(Simulation.Caption(HistoryBack, ShownEnv)));
        Line("Episodes", s.Episodes.ToString(CultureInfo.InvariantCulture));
        Line("Last return", Number(s.LastEpisodeReturn, "0.00"));
        if (learned) Line("Reward model", Simulation.LearnedRewardName!);
        return new OverlayText(labels.ToString().TrimEnd('\n'), values.ToString().TrimEnd('\n'));
    }

    protected override string StateLine()
    {
        string state = Paused ? "PAUSED" : "running";
        if (HistoryBack > 0) state += $"  |  history -{HistoryBack} of {Simulation.HistoryCount - 1}";
        return $"{state}  |  speed {FormatSpeed(Speed)}  |  {(Tracking ? "tracking" : "free camera")}";
    }

    static string FormatSpeed(double speed) => speed >= 1
        ? speed.ToString("0", CultureInfo.InvariantCulture) + "x"
        : "1/" + (1 / speed).ToString("0", CultureInfo.InvariantCulture) + "x";

    protected override IEnumerable<(string Key, string Action)> SceneHelp() =>
    [
        ("Space", "pause / run"),
        ("Right", "one step (paused; forward in history)"),
        ("Left", "one step back in the history"),
        ("Backspace", "reset all envs"),
        ("- / =", "slower / faster"),
        ("[ / ] PgUp/PgDn", "previous / next env"),
    ];

    public override void Dispose()
    {
        base.Dispose();
        Simulation.Dispose();
    }
}

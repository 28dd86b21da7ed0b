using System.Reflection;
using Sim.Core.Trajectories;
using Sim.MuJoCo;
using Sim.Rewards.Labels;
using Sim.Rewards.Serialization;
using Sim.Viewer.Gl;

namespace Sim.Cli.Failures;

/// <summary>The one error policy of <c>sim</c>: any exception a command throws ends as one line on standard error, naming
/// what was wrong, and exit code 2; the full trace goes to the <see cref="ErrorLog"/>, whose path the line names.</summary>
/// <remarks>Bad input (options, files, ids, configs, paths that cannot be written, missing native libraries) is reported by
/// its own message, which names the value and what was expected. Anything else is a bug in <c>sim</c> and is reported as
/// an internal error: still one line, since the trace is in the log.</remarks>
public static class CommandFailure
{
    /// <summary>The exit code of every failure.</summary>
    public const int ExitCode = 2;

    /// <summary>Prints the line for <paramref name="failure"/> of the command <paramref name="args"/>, logs it, and returns the exit code.</summary>
    public static int Report(Exception failure, IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(failure);
        string? log = ErrorLog.Write(failure, args);
        string where = log is null ? "" : $" (details: {log})";
        Console.Error.WriteLine($"sim: {Describe(failure)}{where}");
        return ExitCode;
    }

    /// <summary>The message of the line, without the <c>sim: </c> prefix and the log path.</summary>
    public static string Describe(Exception failure)
    {
        var cause = Cause(failure);
        return IsBadInput(cause) ? OneLine(Message(cause)) : OneLine($"internal error: {cause.GetType().Name}: {cause.Message}");
    }

    // The exception that says what went wrong: wrappers added by threads and reflection carry no message of their own,
    // and a renderer's "clip rendering failed: <inner>" already repeats the inner message, so its wrapper is kept.
    static Exception Cause(Exception e)
    {
        while (true)
        {
            switch (e)
            {
                case AggregateException { InnerExceptions.Count: > 0 } aggregate:
                    e = aggregate.InnerExceptions[0];
                    continue;
                case TargetInvocationException { InnerException: { } inner }:
                    e = inner;
                    continue;
                case TypeInitializationException { InnerException: { } inner }:
                    e = inner;
                    continue;
                case InvalidOperationException { InnerException: { } inner } wrapper when IsBadInput(inner):
                    return wrapper.Message.Contains(inner.Message, StringComparison.Ordinal) ? new BadInputWrapper(wrapper.Message, inner) : inner;
                default:
                    return e;
            }
        }
    }

    static bool IsBadInput(Exception e) => e is ArgumentException or KeyNotFoundException or InvalidDataException or IOException
        or UnauthorizedAccessException or NotSupportedException or DllNotFoundException or TrajectoryFileException
        or LabelStoreException or RewardModelFormatException or MuJoCoException or RenderingUnavailableException or BadInputWrapper;

    // Our messages already name the value; .NET appends " (Parameter 'X')" and "Actual value was V." to argument errors.
    static string Message(Exception e)
    {
        if (e is not ArgumentException { ParamName: string name } argument) return e.Message;
        int suffix = argument.Message.IndexOf($" (Parameter '{name}')", StringComparison.Ordinal);
        return suffix > 0 ? argument.Message[..suffix] : argument.Message;
    }

    static string OneLine(string message) => string.Join(' ', message.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries).Select(l => l.Trim()));

    // A wrapper whose own message is the clearest description of a bad-input cause.
    sealed class BadInputWrapper(string message, Exception inner) : Exception(message, inner);
}

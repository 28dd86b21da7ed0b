using System.Reflection;
using System.Reflection.Emit;
using TorchSharp;

namespace Sim.Learning.Tests;

/// <summary>Reads the IL of an assembly and lists every place where it lets TorchSharp hand libtorch a <see cref="Scalar"/>
/// that nothing keeps alive, directly or inside the TorchSharp methods it calls.</summary>
/// <remarks>
/// <para>A Scalar is created by any TorchSharp method that returns one (the implicit conversions, <c>ToScalar</c>). The
/// creation is safe when the result is stored in a field, or in a local that the method later disposes or passes to
/// <see cref="GC.KeepAlive"/>; anything else (a Scalar passed straight into a call, or stored in a local that is just
/// read) may be finalized while native code still reads it.</para>
/// <para>TorchSharp methods are followed through their calls, so that <c>a + b</c> is caught by way of
/// <c>add(Tensor)</c>, which makes its own alpha. A virtual call is seen as a call to the method it names, so for each
/// TorchSharp object the assembly makes (an optimizer from <c>optim.Adam</c>, a layer from <c>nn.Linear</c>) that
/// object's own <c>step</c> and <c>forward</c> are followed too.</para>
/// </remarks>
public sealed class TemporaryScalarFinder
{
    private const BindingFlags Declared =
        BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;

    private static readonly Dictionary<short, OpCode> OpCodesByValue = typeof(OpCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(field => (OpCode)field.GetValue(null)!)
        .ToDictionary(op => op.Value);

    private static readonly Assembly TorchSharpAssembly = typeof(Scalar).Assembly;

    // Why a TorchSharp method is unsafe (a chain of calls ending at the temporary), or null when it is safe.
    private readonly Dictionary<MethodBase, string?> _torchSharpVerdicts = new();

    /// <summary>One line per unsafe place in <paramref name="assembly"/>: the method, and how a temporary Scalar arises.</summary>
    public IReadOnlyList<string> Find(Assembly assembly) => Find(assembly.GetTypes());

    /// <summary>One line per unsafe place in the methods declared by <paramref name="types"/> (nested types are not included).</summary>
    public IReadOnlyList<string> Find(IEnumerable<Type> types)
    {
        var problems = new List<string>();
        foreach (var type in types)
        {
            var methods = type.GetMethods(Declared).Cast<MethodBase>().Concat(type.GetConstructors(Declared));
            foreach (var method in methods)
            {
                string where = $"{type.FullName}.{method.Name}";
                foreach (var call in Calls(method, strict: true))
                {
                    if (call.Problem is string problem)
                    {
                        problems.Add($"{where}: {problem}");
                        continue;
                    }
                    if (Verdict(call.Callee) is string inner) problems.Add($"{where} calls {inner}");
                    if (MadeTorchSharpType(call) is Type made)
                    {
                        foreach (var virtualMethod in made.GetMethods(BindingFlags.Public | BindingFlags.Instance))
                        {
                            if (virtualMethod.Name is not ("step" or "forward") || virtualMethod.DeclaringType!.Assembly != TorchSharpAssembly) continue;
                            if (Verdict(virtualMethod) is string hidden) problems.Add($"{where} makes a {made.Name}, whose {hidden}");
                        }
                    }
                }
            }
        }
        return problems.Distinct().ToList();
    }

    private string? Verdict(MethodBase method)
    {
        if (method.Module.Assembly != TorchSharpAssembly) return null;
        if (_torchSharpVerdicts.TryGetValue(method, out var known)) return known;
        // Provisionally safe, which ends recursion through call cycles.
        _torchSharpVerdicts[method] = null;
        string? verdict = null;
        foreach (var call in Calls(method, strict: false))
        {
            if (call.Problem is string problem)
            {
                verdict = $"{Describe(method)}, which {problem}";
                break;
            }
            if (Verdict(call.Callee) is string inner)
            {
                verdict = $"{Describe(method)} → {inner}";
                break;
            }
        }
        _torchSharpVerdicts[method] = verdict;
        return verdict;
    }

    private static Type? MadeTorchSharpType(Call call)
    {
        Type? made = call.Callee switch
        {
            ConstructorInfo constructor when call.Op == OpCodes.Newobj => constructor.DeclaringType,
            MethodInfo factory => factory.ReturnType,
            _ => null,
        };
        return made is not null && made.Assembly == TorchSharpAssembly && made != typeof(torch.Tensor) && made != typeof(Scalar) ? made : null;
    }

    private readonly record struct Call(MethodBase Callee, OpCode Op, string? Problem);

    private readonly record struct Instruction(OpCode Op, long Operand);

    // Calls made by method, each with the problem of the Scalar it creates, if any. A token that does not resolve is an
    // error in the assembly under test (strict), and skipped inside TorchSharp.
    private static List<Call> Calls(MethodBase method, bool strict)
    {
        var calls = new List<Call>();
        var il = method.GetMethodBody()?.GetILAsByteArray();
        if (il is null) return calls;
        var code = Decode(il);
        Type[]? typeArguments = method.DeclaringType is { IsGenericType: true } declaring ? declaring.GetGenericArguments() : null;
        Type[]? methodArguments = method.IsGenericMethod ? method.GetGenericArguments() : null;
        var callees = new MethodBase?[code.Count];
        for (int i = 0; i < code.Count; i++)
        {
            var op = code[i].Op;
            if (op != OpCodes.Call && op != OpCodes.Callvirt && op != OpCodes.Newobj && op != OpCodes.Ldftn) continue;
            try
            {
                callees[i] = method.Module.ResolveMethod((int)code[i].Operand, typeArguments, methodArguments);
            }
            catch (Exception e) when (!strict && e is ArgumentException or BadImageFormatException or TypeLoadException or MissingMemberException)
            {
            }
        }
        for (int i = 0; i < code.Count; i++)
        {
            if (callees[i] is not MethodBase callee) continue;
            string? problem = CreatesScalar(callee) ? ScalarProblem(callee, code, callees, i) : null;
            calls.Add(new Call(callee, code[i].Op, problem));
        }
        return calls;
    }

    private static bool CreatesScalar(MethodBase callee) =>
        callee is MethodInfo { ReturnType: var returned } && returned == typeof(Scalar) && callee.Module.Assembly == TorchSharpAssembly;

    private static string? ScalarProblem(MethodBase creator, List<Instruction> code, MethodBase?[] callees, int at)
    {
        string made = $"makes a temporary Scalar with {Describe(creator)}";
        if (at + 1 >= code.Count) return made;
        var next = code[at + 1];
        if (next.Op == OpCodes.Stfld || next.Op == OpCodes.Stsfld) return null;
        if (StoredLocal(next) is not int local) return made;
        // The local keeps the Scalar reachable up to its last read, so one read must end its life: Dispose (as
        // `using` does) or GC.KeepAlive, after the native calls that use it.
        for (int i = at + 2; i + 1 < code.Count; i++)
        {
            if (LoadedLocal(code[i]) == local && callees[i + 1] is MethodBase release && IsRelease(release)) return null;
        }
        return $"{made} into local {local}, which is never disposed or passed to GC.KeepAlive";
    }

    private static bool IsRelease(MethodBase method) =>
        (method.Name == nameof(IDisposable.Dispose) && (method.DeclaringType == typeof(IDisposable) || method.DeclaringType == typeof(Scalar)))
        || (method.Name == nameof(GC.KeepAlive) && method.DeclaringType == typeof(GC));

    private static int? StoredLocal(Instruction instruction)
    {
        var op = instruction.Op;
        if (op == OpCodes.Stloc_0) return 0;
        if (op == OpCodes.Stloc_1) return 1;
        if (op == OpCodes.Stloc_2) return 2;
        if (op == OpCodes.Stloc_3) return 3;
        if (op == OpCodes.Stloc_S || op == OpCodes.Stloc) return (int)instruction.Operand;
        return null;
    }

    private static int? LoadedLocal(Instruction instruction)
    {
        var op = instruction.Op;
        if (op == OpCodes.Ldloc_0) return 0;
        if (op == OpCodes.Ldloc_1) return 1;
        if (op == OpCodes.Ldloc_2) return 2;
        if (op == OpCodes.Ldloc_3) return 3;
        if (op == OpCodes.Ldloc_S || op == OpCodes.Ldloc) return (int)instruction.Operand;
        return null;
    }

    private static List<Instruction> Decode(byte[] il)
    {
        var code = new List<Instruction>();
        int i = 0;
        while (i < il.Length)
        {
            short value = il[i++];
            if (value == 0xFE) value = unchecked((short)(0xFE00 | il[i++]));
            var op = OpCodesByValue[value];
            long operand = 0;
            switch (op.OperandType)
            {
                case OperandType.InlineNone:
                    break;
                case OperandType.ShortInlineBrTarget:
                case OperandType.ShortInlineI:
                case OperandType.ShortInlineVar:
                    operand = il[i];
                    i += 1;
                    break;
                case OperandType.InlineVar:
                    operand = BitConverter.ToUInt16(il, i);
                    i += 2;
                    break;
                case OperandType.InlineI8:
                case OperandType.InlineR:
                    i += 8;
                    break;
                case OperandType.InlineSwitch:
                    int targets = BitConverter.ToInt32(il, i);
                    i += 4 + 4 * targets;
                    break;
                default:
                    operand = BitConverter.ToInt32(il, i);
                    i += 4;
                    break;
            }
            code.Add(new Instruction(op, operand));
        }
        return code;
    }

    private static string Describe(MethodBase method) =>
        $"{method.DeclaringType?.Name}.{method.Name}({string.Join(", ", method.GetParameters().Select(p => p.ParameterType.Name))})";
}
